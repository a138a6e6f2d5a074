//! The only place that talks to the parser crate. Everything else sees the
//! syntax tree through `crate::ast` and comments through [`comment_ranges`].

pub use ruff_python_ast as ast;
use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{ModModule, PythonVersion};
use ruff_python_parser::{Mode, ParseOptions, Parsed};
use ruff_text_size::{Ranged, TextRange};

pub struct ParsedModule {
    parsed: Parsed<ModModule>,
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
    let options = ParseOptions::from(Mode::Module).with_target_version(PythonVersion::PY314);
    let parsed = ruff_python_parser::parse_unchecked(source, options);
    if let Some(error) = parsed.errors().first() {
        return Err(SyntaxError {
            message: error.error.to_string(),
            range: error.location,
        });
    }
    let parsed = parsed
        .try_into_module()
        .expect("Mode::Module always parses to a module");
    Ok(ParsedModule { parsed })
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
    fn real_error_has_position() {
        let err = parse_module("def broken(:\n    pass\n").err().unwrap();
        assert_eq!(u32::from(err.range.start()), 11);
        assert!(!err.message.is_empty());
    }
}
