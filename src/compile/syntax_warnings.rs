//! The compiler's warnings (`SyntaxWarning`), as CPython's compiler
//! gives them while it compiles: of code that is valid but almost surely
//! wrong — `x is 5`, `assert (x, "message")`, a missed comma in
//! `[(1, 2) (3, 4)]`. Asked by the lowering of the expressions concerned.

use crate::compile::ir::Source;
use crate::runtime::warnings;
use crate::syntax::ast::{self, ExprKind as K};
use crate::syntax::span::Span;

/// CPython's compiler warns of `x is 5`, whose answer depends on which
/// int and str objects it happens to share (`check_compare`): an `is` or
/// `is not` with an operand that is a constant after constant folding,
/// other than `None`, `True`, `False` and `...`.
/// (CPython compiles a `finally` body once for each way out of its `try`,
/// and warns each time; pyl warns once.)
pub(super) fn warn_identity_with_literal(
    source: &Source,
    left: &ast::Expr,
    ops: &[(ast::CmpOp, ast::Expr)],
) {
    let mut left_is_literal = is_literal(left);
    for (op, right) in ops {
        let right_is_literal = is_literal(right);
        if left_is_literal || right_is_literal {
            let message = match op {
                ast::CmpOp::Is => r#""is" with a literal. Did you mean "=="?"#,
                ast::CmpOp::IsNot => r#""is not" with a literal. Did you mean "!="?"#,
                _ => "",
            };
            // One warning at most for a comparison, as CPython's.
            if !message.is_empty() {
                let start = left.span.start as usize;
                warnings::warn_at_compile(source, start, "SyntaxWarning", message);
                return;
            }
        }
        left_is_literal = right_is_literal;
    }
}

/// CPython's compiler warns of an assertion of a non-empty tuple, which
/// always holds (`compiler_assert`).
pub(super) fn warn_assert_of_tuple(source: &Source, test: &ast::Expr, span: Span) {
    if matches!(&test.kind, K::Tuple(items) if !items.is_empty()) {
        warnings::warn_at_compile(
            source,
            span.start as usize,
            "SyntaxWarning",
            "assertion is always true, perhaps remove parentheses?",
        );
    }
}

/// CPython's compiler warns of a call of a literal, `[(1, 2) (3, 4)]`,
/// which fails: a comma is likely missing (`check_caller`).
pub(super) fn warn_missed_comma_call(source: &Source, func: &ast::Expr, span: Span) {
    let callable = matches!(
        func.kind,
        K::Constant(_)
            | K::Tuple(_)
            | K::List(_)
            | K::Dict(_)
            | K::Set(_)
            | K::Comprehension(_)
            | K::FString(_)
    );
    if let Some(type_name) = literal_type_name(func).filter(|_| callable) {
        let message = format!("'{type_name}' object is not callable; perhaps you missed a comma?");
        warnings::warn_at_compile(source, span.start as usize, "SyntaxWarning", &message);
    }
}

/// CPython's compiler warns of `[1, 2] [0]`-like subscripts that must
/// fail (`check_subscripter`, `check_index`): of a literal that takes no
/// subscript, and of a str, bytes, tuple or list literal by a literal
/// that is no int or slice.
pub(super) fn warn_missed_comma_subscript(
    source: &Source,
    value: &ast::Expr,
    index: &ast::Expr,
    span: Span,
) {
    let Some(value_type) = literal_type_name(value) else {
        return;
    };
    let unsubscriptable = match &value.kind {
        K::Constant(constant) => {
            !matches!(constant, ast::Constant::Str(_) | ast::Constant::Bytes(_))
        }
        K::Set(_) => true,
        K::Comprehension(comprehension) => matches!(
            comprehension.kind,
            ast::ComprehensionKind::Set | ast::ComprehensionKind::Generator
        ),
        K::Lambda(_) => true,
        _ => false,
    };
    let message = if unsubscriptable {
        format!("'{value_type}' object is not subscriptable; perhaps you missed a comma?")
    } else {
        let sequence = matches!(value_type, "str" | "bytes" | "tuple" | "list");
        match literal_type_name(index) {
            Some(index_type) if sequence && !matches!(index_type, "int" | "bool") => format!(
                "{value_type} indices must be integers or slices, not {index_type}; perhaps you missed a comma?"
            ),
            _ => return,
        }
    };
    warnings::warn_at_compile(source, span.start as usize, "SyntaxWarning", &message);
}

/// The type of a literal, a display or a comprehension, as the compiler
/// infers it (`infer_type`); `None` for any other expression.
fn literal_type_name(e: &ast::Expr) -> Option<&'static str> {
    Some(match &e.kind {
        K::Constant(constant) => match constant {
            ast::Constant::None => "NoneType",
            ast::Constant::True | ast::Constant::False => "bool",
            ast::Constant::Ellipsis => "ellipsis",
            ast::Constant::Int(_) | ast::Constant::BigInt(_) => "int",
            ast::Constant::Float(_) => "float",
            ast::Constant::Str(_) => "str",
            ast::Constant::Bytes(_) => "bytes",
        },
        K::Tuple(_) => "tuple",
        K::List(_) => "list",
        K::Dict(_) => "dict",
        K::Set(_) => "set",
        K::Comprehension(comprehension) => match comprehension.kind {
            ast::ComprehensionKind::List => "list",
            ast::ComprehensionKind::Set => "set",
            ast::ComprehensionKind::Dict => "dict",
            ast::ComprehensionKind::Generator => "generator",
        },
        K::Lambda(_) => "function",
        K::FString(_) => "str",
        _ => return None,
    })
}

/// The warnings of the comparisons that make up a condition (`a is 1 and
/// not b is 2`), as lowering it would give them.
pub(super) fn warn_in_condition(source: &Source, condition: &ast::Expr) {
    match &condition.kind {
        K::Compare { left, ops } => warn_identity_with_literal(source, left, ops),
        K::BoolOp { values, .. } => {
            for value in values {
                warn_in_condition(source, value);
            }
        }
        K::UnaryOp {
            op: ast::UnaryOp::Not,
            operand,
        } => warn_in_condition(source, operand),
        _ => {}
    }
}

/// Whether CPython's compiler sees `e` as a constant other than a named
/// singleton: a literal, or what its AST optimizer folds into one (a sign
/// on a constant, an operation on two, a tuple of them).
fn is_literal(e: &ast::Expr) -> bool {
    match &e.kind {
        K::Constant(constant) => !matches!(
            constant,
            ast::Constant::None
                | ast::Constant::True
                | ast::Constant::False
                | ast::Constant::Ellipsis
        ),
        // `not 1` folds to a singleton.
        K::UnaryOp { op, operand } => *op != ast::UnaryOp::Not && folds_to_constant(operand),
        _ => folds_to_constant(e),
    }
}

fn folds_to_constant(e: &ast::Expr) -> bool {
    match &e.kind {
        K::Constant(_) => true,
        K::UnaryOp { operand, .. } => folds_to_constant(operand),
        K::BinOp { left, right, .. } => folds_to_constant(left) && folds_to_constant(right),
        K::Tuple(items) => items.iter().all(folds_to_constant),
        _ => false,
    }
}
