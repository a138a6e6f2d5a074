//! Statement and expression kinds as bits. A rule declares the kinds its
//! `on_stmt`/`after_stmt` and `on_expr` look at ([`crate::context::Check::STMTS`],
//! [`crate::context::Check::EXPRS`]); the checker calls it for those only,
//! decided at compile time per kind. A leaf.

use crate::ast::{Expr, Stmt};

/// Every kind: the default, always right (and slower).
pub const ALL: u64 = u64::MAX;

/// Statement kinds.
pub mod stmt {
    pub const FUNCTION_DEF: u64 = 1 << 0;
    pub const CLASS_DEF: u64 = 1 << 1;
    pub const RETURN: u64 = 1 << 2;
    pub const DELETE: u64 = 1 << 3;
    pub const TYPE_ALIAS: u64 = 1 << 4;
    pub const ASSIGN: u64 = 1 << 5;
    pub const AUG_ASSIGN: u64 = 1 << 6;
    pub const ANN_ASSIGN: u64 = 1 << 7;
    pub const FOR: u64 = 1 << 8;
    pub const WHILE: u64 = 1 << 9;
    pub const IF: u64 = 1 << 10;
    pub const WITH: u64 = 1 << 11;
    pub const MATCH: u64 = 1 << 12;
    pub const RAISE: u64 = 1 << 13;
    pub const TRY: u64 = 1 << 14;
    pub const ASSERT: u64 = 1 << 15;
    pub const IMPORT: u64 = 1 << 16;
    pub const IMPORT_FROM: u64 = 1 << 17;
    pub const GLOBAL: u64 = 1 << 18;
    pub const NONLOCAL: u64 = 1 << 19;
    pub const EXPR: u64 = 1 << 20;
    pub const PASS: u64 = 1 << 21;
    pub const BREAK: u64 = 1 << 22;
    pub const CONTINUE: u64 = 1 << 23;
    pub const IPY_ESCAPE_COMMAND: u64 = 1 << 24;
}

/// Expression kinds.
pub mod expr {
    pub const BOOL_OP: u64 = 1 << 0;
    pub const NAMED: u64 = 1 << 1;
    pub const BIN_OP: u64 = 1 << 2;
    pub const UNARY_OP: u64 = 1 << 3;
    pub const LAMBDA: u64 = 1 << 4;
    pub const IF: u64 = 1 << 5;
    pub const DICT: u64 = 1 << 6;
    pub const SET: u64 = 1 << 7;
    pub const LIST_COMP: u64 = 1 << 8;
    pub const SET_COMP: u64 = 1 << 9;
    pub const DICT_COMP: u64 = 1 << 10;
    pub const GENERATOR: u64 = 1 << 11;
    pub const AWAIT: u64 = 1 << 12;
    pub const YIELD: u64 = 1 << 13;
    pub const YIELD_FROM: u64 = 1 << 14;
    pub const COMPARE: u64 = 1 << 15;
    pub const CALL: u64 = 1 << 16;
    pub const F_STRING: u64 = 1 << 17;
    pub const T_STRING: u64 = 1 << 18;
    pub const STRING_LITERAL: u64 = 1 << 19;
    pub const BYTES_LITERAL: u64 = 1 << 20;
    pub const NUMBER_LITERAL: u64 = 1 << 21;
    pub const BOOLEAN_LITERAL: u64 = 1 << 22;
    pub const NONE_LITERAL: u64 = 1 << 23;
    pub const ELLIPSIS_LITERAL: u64 = 1 << 24;
    pub const ATTRIBUTE: u64 = 1 << 25;
    pub const SUBSCRIPT: u64 = 1 << 26;
    pub const STARRED: u64 = 1 << 27;
    pub const NAME: u64 = 1 << 28;
    pub const LIST: u64 = 1 << 29;
    pub const TUPLE: u64 = 1 << 30;
    pub const SLICE: u64 = 1 << 31;
    pub const IPY_ESCAPE_COMMAND: u64 = 1 << 32;
}

/// Calls `$then!` with every statement kind: `(variant, bit)`.
macro_rules! for_each_stmt_kind {
    ($then:ident) => {
        $then! {
            FunctionDef FUNCTION_DEF,
            ClassDef CLASS_DEF,
            Return RETURN,
            Delete DELETE,
            TypeAlias TYPE_ALIAS,
            Assign ASSIGN,
            AugAssign AUG_ASSIGN,
            AnnAssign ANN_ASSIGN,
            For FOR,
            While WHILE,
            If IF,
            With WITH,
            Match MATCH,
            Raise RAISE,
            Try TRY,
            Assert ASSERT,
            Import IMPORT,
            ImportFrom IMPORT_FROM,
            Global GLOBAL,
            Nonlocal NONLOCAL,
            Expr EXPR,
            Pass PASS,
            Break BREAK,
            Continue CONTINUE,
            IpyEscapeCommand IPY_ESCAPE_COMMAND,
        }
    };
}
pub(crate) use for_each_stmt_kind;

/// Calls `$then!` with every expression kind: `(variant, bit)`.
macro_rules! for_each_expr_kind {
    ($then:ident) => {
        $then! {
            BoolOp BOOL_OP,
            Named NAMED,
            BinOp BIN_OP,
            UnaryOp UNARY_OP,
            Lambda LAMBDA,
            If IF,
            Dict DICT,
            Set SET,
            ListComp LIST_COMP,
            SetComp SET_COMP,
            DictComp DICT_COMP,
            Generator GENERATOR,
            Await AWAIT,
            Yield YIELD,
            YieldFrom YIELD_FROM,
            Compare COMPARE,
            Call CALL,
            FString F_STRING,
            TString T_STRING,
            StringLiteral STRING_LITERAL,
            BytesLiteral BYTES_LITERAL,
            NumberLiteral NUMBER_LITERAL,
            BooleanLiteral BOOLEAN_LITERAL,
            NoneLiteral NONE_LITERAL,
            EllipsisLiteral ELLIPSIS_LITERAL,
            Attribute ATTRIBUTE,
            Subscript SUBSCRIPT,
            Starred STARRED,
            Name NAME,
            List LIST,
            Tuple TUPLE,
            Slice SLICE,
            IpyEscapeCommand IPY_ESCAPE_COMMAND,
        }
    };
}
pub(crate) use for_each_expr_kind;

/// The bit of `stmt`'s kind.
pub fn of_stmt(stmt: &Stmt) -> u64 {
    match stmt {
        Stmt::FunctionDef(_) => stmt::FUNCTION_DEF,
        Stmt::ClassDef(_) => stmt::CLASS_DEF,
        Stmt::Return(_) => stmt::RETURN,
        Stmt::Delete(_) => stmt::DELETE,
        Stmt::TypeAlias(_) => stmt::TYPE_ALIAS,
        Stmt::Assign(_) => stmt::ASSIGN,
        Stmt::AugAssign(_) => stmt::AUG_ASSIGN,
        Stmt::AnnAssign(_) => stmt::ANN_ASSIGN,
        Stmt::For(_) => stmt::FOR,
        Stmt::While(_) => stmt::WHILE,
        Stmt::If(_) => stmt::IF,
        Stmt::With(_) => stmt::WITH,
        Stmt::Match(_) => stmt::MATCH,
        Stmt::Raise(_) => stmt::RAISE,
        Stmt::Try(_) => stmt::TRY,
        Stmt::Assert(_) => stmt::ASSERT,
        Stmt::Import(_) => stmt::IMPORT,
        Stmt::ImportFrom(_) => stmt::IMPORT_FROM,
        Stmt::Global(_) => stmt::GLOBAL,
        Stmt::Nonlocal(_) => stmt::NONLOCAL,
        Stmt::Expr(_) => stmt::EXPR,
        Stmt::Pass(_) => stmt::PASS,
        Stmt::Break(_) => stmt::BREAK,
        Stmt::Continue(_) => stmt::CONTINUE,
        Stmt::IpyEscapeCommand(_) => stmt::IPY_ESCAPE_COMMAND,
    }
}

/// The bit of `expr`'s kind.
pub fn of_expr(expr: &Expr) -> u64 {
    match expr {
        Expr::BoolOp(_) => expr::BOOL_OP,
        Expr::Named(_) => expr::NAMED,
        Expr::BinOp(_) => expr::BIN_OP,
        Expr::UnaryOp(_) => expr::UNARY_OP,
        Expr::Lambda(_) => expr::LAMBDA,
        Expr::If(_) => expr::IF,
        Expr::Dict(_) => expr::DICT,
        Expr::Set(_) => expr::SET,
        Expr::ListComp(_) => expr::LIST_COMP,
        Expr::SetComp(_) => expr::SET_COMP,
        Expr::DictComp(_) => expr::DICT_COMP,
        Expr::Generator(_) => expr::GENERATOR,
        Expr::Await(_) => expr::AWAIT,
        Expr::Yield(_) => expr::YIELD,
        Expr::YieldFrom(_) => expr::YIELD_FROM,
        Expr::Compare(_) => expr::COMPARE,
        Expr::Call(_) => expr::CALL,
        Expr::FString(_) => expr::F_STRING,
        Expr::TString(_) => expr::T_STRING,
        Expr::StringLiteral(_) => expr::STRING_LITERAL,
        Expr::BytesLiteral(_) => expr::BYTES_LITERAL,
        Expr::NumberLiteral(_) => expr::NUMBER_LITERAL,
        Expr::BooleanLiteral(_) => expr::BOOLEAN_LITERAL,
        Expr::NoneLiteral(_) => expr::NONE_LITERAL,
        Expr::EllipsisLiteral(_) => expr::ELLIPSIS_LITERAL,
        Expr::Attribute(_) => expr::ATTRIBUTE,
        Expr::Subscript(_) => expr::SUBSCRIPT,
        Expr::Starred(_) => expr::STARRED,
        Expr::Name(_) => expr::NAME,
        Expr::List(_) => expr::LIST,
        Expr::Tuple(_) => expr::TUPLE,
        Expr::Slice(_) => expr::SLICE,
        Expr::IpyEscapeCommand(_) => expr::IPY_ESCAPE_COMMAND,
    }
}
