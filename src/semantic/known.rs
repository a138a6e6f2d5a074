//! Standard-library names several rules agree on, kept in one place.

/// Calls that return an open file (PF400's openers; PF501's known files).
pub const FILE_OPENERS: &[&str] = &[
    "builtins.open",
    "io.open",
    "io.open_code",
    "codecs.open",
    "gzip.open",
    "bz2.open",
    "lzma.open",
    "lzma.LZMAFile",
    "tokenize.open",
    "wave.open",
    "shelve.open",
    "dbm.open",
    "dbm.gnu.open",
    "dbm.ndbm.open",
    "dbm.dumb.open",
    "dbm.sqlite3.open",
    "fileinput.input",
    "fileinput.FileInput",
    "tempfile.TemporaryFile",
    "tempfile.NamedTemporaryFile",
    "tempfile.SpooledTemporaryFile",
];

/// Concrete `pathlib` path classes (their `.open()`/`.read_text()` do I/O).
pub const PATH_TYPES: &[&str] = &["pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath"];
