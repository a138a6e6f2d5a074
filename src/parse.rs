//! The only place that talks to the parser crate. Everything else sees the
//! syntax tree through `crate::ast` and comments through [`comment_ranges`].

pub use ruff_python_ast as ast;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PythonVersion};
use ruff_python_parser::{Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange};
use std::mem::ManuallyDrop;

use crate::arena::Lease;

/// A module's tree. When the thread's parse arena could be leased, the
/// tree lives in it and is never dropped: the lease's end frees it all at
/// once ([`crate::arena`]).
pub struct ParsedModule {
    parsed: ManuallyDrop<Parsed<ModModule>>,
    arena: Option<Lease>,
}

impl Drop for ParsedModule {
    fn drop(&mut self) {
        // A tree partly from the real allocator (the arena's slot was
        // full) is dropped: that frees those blocks, and ignores the rest.
        if self.arena.as_ref().is_none_or(Lease::spilled) {
            // SAFETY: dropped once, here; never used after.
            unsafe { ManuallyDrop::drop(&mut self.parsed) }
        }
    }
}

#[derive(Debug)]
pub struct SyntaxError {
    pub message: String,
    pub range: TextRange,
}

/// Parses for the newest Python the parser knows, so valid 3.12–3.14 code is
/// never a syntax error. "Unsupported syntax for target version" reports are
/// ignored on purpose: they are not syntax errors.
pub fn parse_module(source: &str) -> Result<ParsedModule, SyntaxError> {
    if source.len() > PRE_LEX_ABOVE {
        nesting_before_parse(source)?;
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY314);
    let arena = Lease::take();
    let parse = || ruff_python_parser::parse_unchecked(source, options);
    let parsed = match &arena {
        // SAFETY: the tree is returned with the lease, in one
        // `ParsedModule`, and is never used after the lease ends (the
        // module's fields drop in order, the tree not at all).
        Some(arena) => unsafe { arena.allocating(parse) },
        None => parse(),
    };
    if let Some(error) = parsed.errors().first() {
        return Err(SyntaxError {
            message: error.error.to_string(),
            range: error.location,
        });
    }
    nesting_after_parse(parsed.tokens())?;
    let parsed = parsed
        .try_into_module()
        .expect("Mode::Module always parses to a module");
    Ok(ParsedModule {
        parsed: ManuallyDrop::new(parsed),
        arena,
    })
}

/// CPython's tokenizer refuses more than 200 nested brackets (`MAXLEVEL`)
/// and 100 levels of indentation (`MAXINDENT`, counting the module level).
pub const MAX_BRACKETS: usize = 200;
pub const MAX_INDENT: usize = 99;
const TOO_MANY_BRACKETS: &str = "too many nested parentheses";
const TOO_MANY_INDENTS: &str = "too many levels of indentation";

/// Files above this size are lexed once before parsing: the parser and the
/// walk recurse once per level of nesting, and only a file this large can
/// nest deep enough (one byte per level) to exhaust the workers' stack.
/// The parser grows its own stack (`stacker`); the walk recurses on the
/// worker's, and so does the tree's drop where no arena holds the tree
/// (Windows; [`crate::arena`]). The deepest nesting per byte, `((((…`
/// unclosed, took at most 2.2 KB of memory in all per byte of file in a
/// release build (the run's peak over 100,000 levels of brackets, calls,
/// unary operators, `(*`, `(-`): a file of this size needs at most about
/// 580 MB of the workers' 1 GiB. (Lexing the files between 128 and 256 KB
/// cost 2.5% of the standard library's instructions.)
const PRE_LEX_ABOVE: usize = 256 * 1024;

/// Beyond this many nested operators (an upper bound: the operators in one
/// comma-separated part of an expression), CPython gives up compiling long
/// before ("maximum recursion depth exceeded during compilation" near 3,000).
const MAX_OPERATOR_NESTING: usize = 50_000;

/// CPython's limits on brackets and indentation, from the parser's tokens.
fn nesting_after_parse(tokens: &[ruff_python_ast::token::Token]) -> Result<(), SyntaxError> {
    let (mut brackets, mut indents) = (0usize, 0usize);
    for token in tokens {
        match token.kind() {
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                brackets += 1;
                if brackets > MAX_BRACKETS {
                    return Err(SyntaxError {
                        message: TOO_MANY_BRACKETS.to_string(),
                        range: token.range(),
                    });
                }
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace => {
                brackets = brackets.saturating_sub(1);
            }
            TokenKind::Indent => {
                indents += 1;
                if indents > MAX_INDENT {
                    return Err(SyntaxError {
                        message: TOO_MANY_INDENTS.to_string(),
                        range: token.range(),
                    });
                }
            }
            TokenKind::Dedent => indents = indents.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// The same limits, plus a bound on operator nesting, checked on a large
/// file's tokens before the (recursive) parser sees it.
fn nesting_before_parse(source: &str) -> Result<(), SyntaxError> {
    let error = |message: &str| SyntaxError {
        message: message.to_string(),
        range: TextRange::default(),
    };
    let mut lexer = ruff_python_parser::lexer::lex(source, Mode::Module);
    let mut indents = 0usize;
    // Operators counted since the last separator, per open bracket.
    let mut operators: Vec<usize> = vec![0];
    let mut total = 0usize;
    loop {
        let kind = lexer.next_token();
        match kind {
            TokenKind::EndOfFile => return Ok(()),
            TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
                if operators.len() > MAX_BRACKETS {
                    return Err(error(TOO_MANY_BRACKETS));
                }
                operators.push(0);
            }
            TokenKind::Rpar | TokenKind::Rsqb | TokenKind::Rbrace if operators.len() > 1 => {
                total -= operators.pop().unwrap_or(0);
            }
            TokenKind::Indent => {
                indents += 1;
                if indents > MAX_INDENT {
                    return Err(error(TOO_MANY_INDENTS));
                }
            }
            TokenKind::Dedent => indents = indents.saturating_sub(1),
            TokenKind::Comma
            | TokenKind::Semi
            | TokenKind::Equal
            | TokenKind::Newline
            | TokenKind::NonLogicalNewline => {
                let last = operators.last_mut().expect("never empty");
                total -= *last;
                *last = 0;
            }
            kind if kind.is_arithmetic()
                || kind.is_bitwise_or_shift()
                || matches!(
                    kind,
                    TokenKind::Percent
                        | TokenKind::Not
                        | TokenKind::Await
                        | TokenKind::Lambda
                        | TokenKind::If
                        | TokenKind::Yield
                        | TokenKind::Dot
                ) =>
            {
                *operators.last_mut().expect("never empty") += 1;
                total += 1;
                if total > MAX_OPERATOR_NESTING {
                    return Err(error(
                        "too deeply nested to check (maximum recursion depth exceeded during compilation)",
                    ));
                }
            }
            _ => {}
        }
    }
}

impl ParsedModule {
    pub fn suite(&self) -> &[ast::Stmt] {
        &self.parsed.syntax().body
    }

    /// The ranges of real comments, from the tokens: `'# noqa'` in a string
    /// is not a comment.
    pub fn comment_ranges(&self) -> impl Iterator<Item = TextRange> + '_ {
        self.parsed
            .tokens()
            .iter()
            .filter(|token| token.kind() == TokenKind::Comment)
            .map(|token| token.range())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use crate::arena::is_carved;

    #[test]
    fn new_syntax_is_not_an_error() {
        for src in [
            "x = f\"{d[\"k\"]}\"\n",
            "def f[T](x: T) -> T: return x\n",
            "class C[T = int]: pass\n",
            "type A[T] = list[T]\n",
            "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
            "name = 'x'\ns = t\"hello {name}\"\n",
        ] {
            assert!(parse_module(src).is_ok(), "{src}");
        }
    }

    #[test]
    fn cpython_nesting_limits() {
        let nested = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
        assert!(parse_module(&nested(200)).is_ok());
        let err = parse_module(&nested(201)).err().unwrap();
        assert_eq!(err.message, "too many nested parentheses");
        assert_eq!(u32::from(err.range.start()), 4 + 200);
        let indented = |n: usize| {
            let mut s = String::new();
            for i in 0..n {
                s.push_str(&format!("{}if x:\n", " ".repeat(i)));
            }
            s.push_str(&format!("{}pass\n", " ".repeat(n)));
            s
        };
        assert!(parse_module(&indented(99)).is_ok());
        assert_eq!(
            parse_module(&indented(100)).err().unwrap().message,
            "too many levels of indentation"
        );
    }

    #[test]
    fn large_files_are_bounded_before_parsing() {
        // 300,000 unary minus signs (above `PRE_LEX_ABOVE`): CPython gives
        // up near 3,000.
        let deep = format!("x = {}1\n", "-".repeat(300_000));
        assert!(deep.len() > PRE_LEX_ABOVE);
        let err = parse_module(&deep).err().unwrap();
        assert!(err.message.contains("too deeply nested"), "{}", err.message);
        let brackets = format!("x = {}{}\n", "[".repeat(140_000), "]".repeat(140_000));
        assert!(brackets.len() > PRE_LEX_ABOVE);
        assert_eq!(
            parse_module(&brackets).err().unwrap().message,
            "too many nested parentheses"
        );
        // A large flat literal is fine.
        let flat = format!("x = [{}]\n", "-1, ".repeat(100_000));
        assert!(parse_module(&flat).is_ok());
        let sum = format!("x = {}\n", vec!["a < b"; 30_000].join(" and "));
        assert!(parse_module(&sum).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_parsed_tree_lives_in_the_arena() {
        std::thread::spawn(|| {
            // A slot for this thread (other tests' threads may hold them).
            drop(crate::arena::lease_eventually());
            let source = "class VeryLongClassNameIndeed:\n    def method(self):\n        return VeryLongClassNameIndeed()\n";
            let parsed = parse_module(source).unwrap();
            assert!(is_carved(parsed.suite()));
            // A parse while the tree lives allocates normally.
            let inner = parse_module(source).unwrap();
            assert!(!is_carved(inner.suite()));
            drop(inner);
            drop(parsed);
            // Released: the next parse leases the arena again.
            let again = parse_module(source).unwrap();
            assert!(is_carved(again.suite()));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn real_error_has_position() {
        let err = parse_module("def broken(:\n    pass\n").err().unwrap();
        assert_eq!(u32::from(err.range.start()), 11);
        assert!(!err.message.is_empty());
    }
}
