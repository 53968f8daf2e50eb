# SyntaxError (unterminated \N{...} escape) whose span ends inside a multi-byte character: the diagnostic renderer (ariadne) panics
"\N{é"
