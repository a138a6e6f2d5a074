//! PF103: running or waiting for a child process inside `async def`.

use crate::ast;
use crate::checker::Checker;
use crate::rules::{FixAvailability, Rule, RuleMeta};
use crate::semantic::QualifiedName;

pub const META: RuleMeta = RuleMeta {
    code: "PF103",
    name: "blocking-process-in-async",
    default_on: true,
    fix: FixAvailability::None,
    summary: "a blocking subprocess or `os` process call inside an async function",
    doc: include_str!("../../../rules/PF103.md"),
};

pub(crate) const BLOCKING: &[&str] = &[
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

pub(crate) fn check(cx: &mut Checker, call: &ast::ExprCall, callee: &QualifiedName) {
    if callee.is_any(BLOCKING) {
        super::report_blocking(
            cx,
            Rule::BlockingProcessInAsync,
            call,
            callee.as_str(),
            "use `asyncio.create_subprocess_exec`/`create_subprocess_shell`, or `asyncio.to_thread`",
        );
    }
}
