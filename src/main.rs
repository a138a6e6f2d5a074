use std::process::ExitCode;

use clap::Parser;

// The parser allocates a node per expression: with glibc's malloc a quarter
// of a stdlib run went to malloc/free; mimalloc (v2) takes about a fifth off
// the CPU time for ~20 MB more peak memory (perf and scripts/bench, README).
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc, through its plain entry points whenever the alignment asked
/// for is one every block has (8 bytes: blocks are multiples of a word).
/// The `mimalloc` crate calls the aligned ones for every allocation, whose
/// small-block path is slower (standard library, 1 thread: 6.43 G -> 6.27 G
/// instructions).
struct Mimalloc;

/// The alignment every mimalloc block has.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method hands the request to mimalloc, with the alignment
// asked for whenever it exceeds what every block has.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        // SAFETY: mimalloc's allocation functions take any size.
        unsafe {
            if layout.align() <= WORD {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        // SAFETY: as `alloc`.
        unsafe {
            if layout.align() <= WORD {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from this allocator (GlobalAlloc's contract).
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe {
            if layout.align() <= WORD {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

/// mimalloc's `arena_eager_commit` (`mi_option_arena_eager_commit` in
/// mimalloc.h; the Rust bindings do not name it).
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

/// On Linux mimalloc commits its whole first arena up front by default, and
/// memory freed there stays resident: the stdlib run peaked ~20 MB higher
/// than with the arena committed as it is used (same instructions). The
/// arena is reserved at the first allocation, before `main`: the option is
/// set from the program's constructors (`.init_array`), which run first.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static MIMALLOC_OPTIONS: extern "C" fn() = set_mimalloc_options;

#[cfg(target_os = "linux")]
extern "C" fn set_mimalloc_options() {
    // SAFETY: setting an option is a plain store in mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
}

fn main() -> ExitCode {
    let cli = pitfalls::cli::Cli::parse();
    ExitCode::from(pitfalls::cli::run(cli).code())
}
