//! LSP positions: a line and a column counted in UTF-16 code units (the
//! protocol's default encoding), converted from and to byte offsets of the
//! text. Lines end at `\n`, `\r\n` or `\r`, as in Python and LSP.

use lsp_types::Position;

pub struct LineIndex {
    /// Byte offset of each line's start.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of `position`; a line past the end is the end of the
    /// text, a column past the end of its line is the line's end (LSP).
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .copied()
            .unwrap_or(text.len());
        let line = text[start..end].trim_end_matches(['\n', '\r']);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_utf16_code_units() {
        // `é` is one UTF-16 unit (two bytes), the emoji two units (four
        // bytes): `time` starts at character 10, UTF-16 column 11.
        let text = "x = 1\ns = 'é😀'; time.sleep(1)\n";
        let index = LineIndex::new(text);
        let offset = text.find("time").unwrap();
        let position = index.position(text, offset);
        assert_eq!(position, Position::new(1, 11));
        assert_eq!(index.offset(text, position), offset);
    }

    #[test]
    fn line_endings_and_clamping() {
        let text = "a\r\nbé\rc";
        let index = LineIndex::new(text);
        assert_eq!(
            index.position(text, text.find('c').unwrap()),
            Position::new(2, 0)
        );
        assert_eq!(
            index.offset(text, Position::new(1, 99)),
            text.find('\r').unwrap() + 2 + 3
        );
        assert_eq!(index.offset(text, Position::new(7, 0)), text.len());
        // Inside the emoji's surrogate pair: the character's start.
        let text = "😀x";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(0, 2)), 4);
        assert_eq!(index.position(text, 2), Position::new(0, 0));
    }
}
