# one huge integer power (3 ** 47832147, a 76-million-bit int): a single instruction that runs 12 s in pyl (42 s in CPython), past -timeout=10
x = 3**363**3
