//! Standard-library names several rules agree on, kept in one place.

use crate::ast::{self, Expr};
use crate::semantic::QualifiedName;

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

/// Synchronous network calls (PF102; effects).
pub const BLOCKING_NETWORK_CALLS: &[&str] = &[
    "requests.get",
    "requests.post",
    "requests.put",
    "requests.patch",
    "requests.delete",
    "requests.head",
    "requests.options",
    "requests.request",
    "httpx.get",
    "httpx.post",
    "httpx.put",
    "httpx.patch",
    "httpx.delete",
    "httpx.head",
    "httpx.options",
    "httpx.request",
    "httpx.stream",
    "urllib.request.urlopen",
    "urllib3.request",
    "http.client.HTTPConnection",
    "http.client.HTTPSConnection",
    "socket.create_connection",
    "socket.getaddrinfo",
    "socket.gethostbyname",
];

/// Methods of a synchronous HTTP client that do network I/O (PF102).
pub const SYNC_CLIENT_METHODS: &[&str] = &[
    "close", "delete", "get", "head", "options", "patch", "post", "put", "request", "send",
    "stream",
];

/// Blocking file-system calls (PF104; effects).
pub const BLOCKING_FILE_CALLS: &[&str] = &[
    "builtins.open",
    "io.open",
    "io.open_code",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "shutil.rmtree",
];

/// `pathlib` path methods that do file I/O (PF104).
pub const PATH_IO_METHODS: &[&str] = &[
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
];

/// Calls that run or wait for a child process (PF103; effects).
pub const BLOCKING_PROCESS_CALLS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "subprocess.Popen",
    "os.system",
    "os.popen",
    "os.spawnl",
    "os.spawnle",
    "os.spawnlp",
    "os.spawnlpe",
    "os.spawnv",
    "os.spawnve",
    "os.spawnvp",
    "os.spawnvpe",
    "os.wait",
    "os.wait3",
    "os.wait4",
    "os.waitid",
    "os.waitpid",
    "os.posix_spawn",
    "os.posix_spawnp",
];

/// `socket.getaddrinfo(host, port, ..., flags | AI_NUMERICHOST)`: with a
/// numeric-only flag there is no DNS lookup, nothing blocks (trio tries that
/// first). Any flag argument naming `NUMERIC` counts.
pub fn numeric_only(call: &ast::ExprCall, callee: &QualifiedName) -> bool {
    if !callee.is("socket.getaddrinfo") {
        return false;
    }
    let flags = call
        .arguments
        .find_keyword("flags")
        .map(|k| &k.value)
        .or_else(|| call.arguments.args.get(5));
    flags.is_some_and(|flags| {
        crate::ast::helpers::any_over_expr(flags, |e| match e {
            Expr::Name(n) => n.id.contains("NUMERIC"),
            Expr::Attribute(a) => a.attr.contains("NUMERIC"),
            _ => false,
        })
    })
}
