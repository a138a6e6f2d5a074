//! The global allocator: jemalloc (mimalloc on Windows), plus one bump
//! arena per thread that a file's check can lease.
//!
//! A syntax tree is a node per expression, each its own block: on the
//! standard library the allocator's `malloc`/`free` and the tree's `Drop`
//! (a walk of every node, to free it) were about a sixth of all the
//! instructions a run executes. While a thread holds a [`Lease`], the
//! allocations made inside [`Lease::allocating`] are carved from the
//! thread's arena, a `free` of them does nothing, and the lease's end makes
//! the whole arena free again at once. Two users:
//! - [`crate::parse::parse_module`]: the parser's allocations; the tree is
//!   never dropped ([`crate::parse::ParsedModule`] holds the lease and
//!   releases it instead).
//! - The pipeline, when a run packs its reports: a file's whole check and
//!   encoding, of which only the encoding is copied out (a parse inside
//!   takes an inner lease, which frees nothing).
//!
//! A thread's arena is two zones: blocks of 16 KiB and more (a file's
//! token list, a check's long lists) are carved from the slot's last
//! quarter, where the list that grows is mostly the last block and grows
//! in place; among the nodes it would be copied at each growth (standard
//! library: 5.48 -> 5.45 billion instructions; 1, 2, 4, 8, 32 and 128 KiB
//! did less well).
//!
//! Why this is sound: nothing carved outlives its lease.
//! - [`Lease::allocating`] is `unsafe`: its caller copies out what must
//!   live on, outside it, before the lease ends.
//! - A value that outlives every file (a process-wide setting read the
//!   first time a check needs it) is made inside [`outside`].
//! - A `Name` of the tree longer than 16 bytes is shared by a reference
//!   count, so a clone points into the arena: nothing keeps one past the
//!   lease (the index's names are our own `semantic::name::Name`, copied
//!   from text, and reports are copied out as their encoding).
//! - Tests run debug builds, where a released arena is overwritten with
//!   `0xA5`: a value that escaped would be garbage at once.
//! - Nothing is carved while the thread panics: the payload outlives the
//!   lease, which ends as the panic unwinds through it.
//! - `free` of an arena block is ignored, from any thread, in or out of a
//!   lease (one address comparison); `realloc` of one copies it out.
//! - A lease is not `Send`, and a thread holds one at a time (another
//!   parse while a tree lives allocates normally).
//! - When the arena cannot be had (no address space, more threads than
//!   slots, another global allocator, Windows), everything allocates and
//!   drops as before.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::marker::PhantomData;

#[cfg(not(windows))]
const INNER: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
#[cfg(windows)]
const INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The process's allocator (`#[global_allocator]` in `lib.rs`).
pub struct Allocator;

#[cfg(unix)]
mod region {
    //! The address range all threads' arenas share, reserved once and
    //! committed a chunk at a time.
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    /// Each thread's share of the address space: 40 times the largest
    /// file's check in the standard library (6.6 MB). A check that needs
    /// more (only a hostile file could) takes the rest from the real
    /// allocator, and its tree is then dropped as usual.
    pub const SLOT: usize = 256 << 20;
    /// Committed (made readable and writable) this much at a time.
    pub const CHUNK: usize = 4 << 20;
    /// The small zone's pages above this are given back to the system
    /// when a lease ends.
    pub const KEEP: usize = 4 << 20;
    /// The same for the large zone.
    pub const KEEP_LARGE: usize = 2 << 20;
    /// The large zone: the slot's last quarter.
    pub const LARGE_ZONE: usize = SLOT / 4;
    /// A block this large is carved from the large zone.
    pub const LARGE: usize = 16 << 10;

    pub static BASE: AtomicUsize = AtomicUsize::new(0);
    pub static LEN: AtomicUsize = AtomicUsize::new(0);
    /// The most slots (threads with an arena at once).
    const SLOTS: usize = 256;
    /// Which slots a living thread holds.
    static TAKEN: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
    static RESERVED: OnceLock<()> = OnceLock::new();

    /// Whether `ptr` is an arena block (of any thread).
    #[inline(always)]
    pub fn contains(ptr: *mut u8) -> bool {
        (ptr as usize).wrapping_sub(BASE.load(Ordering::Relaxed)) < LEN.load(Ordering::Relaxed)
    }

    /// The start of a free slot, reserving the range on first use.
    pub fn slot() -> Option<usize> {
        RESERVED.get_or_init(|| {
            // Address space only (`PROT_NONE`): nothing is committed, so
            // `vm.overcommit_memory = 2` does not count it.
            for slots in [SLOTS, 64, 16] {
                let len = slots * SLOT;
                // SAFETY: a fresh anonymous mapping, no address requested.
                let ptr = unsafe {
                    libc::mmap(
                        std::ptr::null_mut(),
                        len,
                        libc::PROT_NONE,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                        -1,
                        0,
                    )
                };
                if ptr != libc::MAP_FAILED {
                    LEN.store(len, Ordering::Relaxed);
                    BASE.store(ptr as usize, Ordering::Release);
                    return;
                }
            }
        });
        let base = BASE.load(Ordering::Acquire);
        if base == 0 {
            return None;
        }
        let slots = LEN.load(Ordering::Relaxed) / SLOT;
        let index = (0..slots).find(|&i| {
            TAKEN[i]
                .compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        })?;
        Some(base + index * SLOT)
    }

    /// Gives a slot back (its thread is ending, and holds no lease).
    pub fn free(start: usize) {
        let index = (start - BASE.load(Ordering::Relaxed)) / SLOT;
        TAKEN[index].store(false, Ordering::Relaxed);
    }

    /// Makes `[from, from + len)` readable and writable.
    pub fn commit(from: usize, len: usize) -> bool {
        // SAFETY: within the reserved range, page-aligned.
        unsafe {
            libc::mprotect(
                from as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_WRITE,
            ) == 0
        }
    }

    /// Gives `[from, from + len)`'s pages back (they read as zeros after).
    pub fn release(from: usize, len: usize) {
        // SAFETY: within the reserved range, page-aligned; nothing there
        // is in use (the lease has ended).
        unsafe {
            libc::madvise(from as *mut libc::c_void, len, libc::MADV_DONTNEED);
        }
    }
}

/// One bump zone of a thread's slot: `[start, top)` in use, committed up
/// to `committed`, carved up to `end`.
#[cfg_attr(not(unix), allow(dead_code))]
struct Zone {
    start: Cell<usize>,
    top: Cell<usize>,
    committed: Cell<usize>,
    end: Cell<usize>,
}

impl Zone {
    const fn new() -> Self {
        Zone {
            start: Cell::new(0),
            top: Cell::new(0),
            committed: Cell::new(0),
            end: Cell::new(0),
        }
    }

    /// The zone `[start, end)`, empty.
    #[cfg(unix)]
    fn set(&self, start: usize, end: usize) {
        self.start.set(start);
        self.top.set(start);
        self.committed.set(start);
        self.end.set(end);
    }

    /// A block from the zone, or `None` when it is full.
    #[cfg(unix)]
    #[inline]
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        let at = self.top.get().checked_add(layout.align() - 1)? & !(layout.align() - 1);
        let end = at.checked_add(layout.size())?;
        if end > self.committed.get() {
            self.grow(end)?;
        }
        self.top.set(end);
        Some(at as *mut u8)
    }

    /// Commits chunks until `end` is covered, within the zone.
    #[cfg(unix)]
    #[cold]
    fn grow(&self, end: usize) -> Option<()> {
        let committed = self.committed.get();
        let limit = self.end.get();
        let wanted = end
            .checked_next_multiple_of(region::CHUNK)
            .unwrap_or(usize::MAX)
            .min(limit);
        let grown = end <= wanted && region::commit(committed, wanted - committed);
        if grown {
            self.committed.set(wanted);
        }
        grown.then_some(())
    }

    /// Grows (or shrinks) the zone's last block `ptr .. ptr + size` in
    /// place to `new_size`; `false` if it is not the last or cannot.
    #[cfg(unix)]
    fn resize_last(&self, ptr: *mut u8, size: usize, new_size: usize) -> bool {
        let at = ptr as usize;
        if at < self.start.get() || at + size != self.top.get() {
            return false;
        }
        let end = at + new_size;
        if end > self.committed.get() && self.grow(end).is_none() {
            return false;
        }
        self.top.set(end);
        true
    }

    /// Overwrites what the zone carved (debug builds, at a lease's end).
    fn poison(&self) {
        let (start, top) = (self.start.get(), self.top.get());
        if top > start {
            // SAFETY: the lease's blocks, none in use any more.
            unsafe { std::ptr::write_bytes(start as *mut u8, 0xA5, top - start) };
        }
    }

    /// Empties the zone; its pages above `keep` bytes are given back if
    /// they were touched.
    #[cfg(unix)]
    fn empty(&self, keep: usize) {
        let keep = self.start.get() + keep;
        if self.top.get() > keep {
            region::release(keep, self.committed.get() - keep);
        }
        self.top.set(self.start.get());
    }

    /// Gives every committed page back.
    #[cfg(unix)]
    fn release(&self) {
        let start = self.start.get();
        if start != 0 && self.committed.get() > start {
            region::release(start, self.committed.get() - start);
        }
    }
}

/// A thread's arena: its slot, in two zones. Large blocks (a file's token
/// list, the long lists of a check) have their own zone, where the one
/// growing is mostly the last and grows in place; among the small blocks
/// it would be copied at each growth.
#[cfg_attr(not(unix), allow(dead_code))]
struct ThreadArena {
    /// The slot's start (0 while the thread has none).
    start: Cell<usize>,
    small: Zone,
    large: Zone,
    /// No slot could be had: never try again on this thread.
    unavailable: Cell<bool>,
    /// The lease outgrew the slot: some of its blocks are the real
    /// allocator's.
    spilled: Cell<bool>,
    leased: Cell<bool>,
    /// Inside [`Lease::allocating`].
    active: Cell<bool>,
}

thread_local! {
    static ARENA: ThreadArena = const {
        ThreadArena {
            start: Cell::new(0),
            small: Zone::new(),
            large: Zone::new(),
            unavailable: Cell::new(false),
            spilled: Cell::new(false),
            leased: Cell::new(false),
            active: Cell::new(false),
        }
    };
}

impl ThreadArena {
    /// A block from the arena inside [`Lease::allocating`]. Not while the
    /// thread panics: the panic's payload must outlive the lease, which
    /// ends as the panic unwinds through it.
    #[inline]
    fn carve(&self, layout: Layout) -> Option<*mut u8> {
        if self.active.get() && !std::thread::panicking() {
            self.bump(layout)
        } else {
            None
        }
    }

    /// A block from the arena, or `None` (the caller then asks the real
    /// allocator): a large block from the large zone while it has room,
    /// any other from the small zone.
    #[cfg(unix)]
    #[inline]
    fn bump(&self, layout: Layout) -> Option<*mut u8> {
        if layout.size() >= region::LARGE
            && let Some(ptr) = self.large.bump(layout)
        {
            return Some(ptr);
        }
        let ptr = self.small.bump(layout);
        if ptr.is_none() {
            self.spilled.set(true);
        }
        ptr
    }

    #[cfg(not(unix))]
    fn bump(&self, _layout: Layout) -> Option<*mut u8> {
        None
    }

    /// Resizes `ptr .. ptr + size` in place if it is a zone's last block
    /// (inside [`Lease::allocating`]).
    #[cfg(unix)]
    fn resize_last(&self, ptr: *mut u8, size: usize, new_size: usize) -> bool {
        self.active.get()
            && (self.large.resize_last(ptr, size, new_size)
                || self.small.resize_last(ptr, size, new_size))
    }
}

// SAFETY: every block is either the inner allocator's (and given back to
// it) or an arena's, carved once and never handed out again while the
// lease that carved it lives (see the module's documentation).
unsafe impl GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if let Some(ptr) = ARENA.with(|arena| arena.carve(layout)) {
            return ptr;
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { INNER.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if let Some(ptr) = ARENA.with(|arena| arena.carve(layout)) {
            // SAFETY: a fresh block of `layout.size()` bytes.
            unsafe { ptr.write_bytes(0, layout.size()) };
            return ptr;
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { INNER.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(unix)]
        if region::contains(ptr) {
            return;
        }
        // SAFETY: not an arena block, so the inner allocator's.
        unsafe { INNER.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(unix)]
        if region::contains(ptr) {
            // A zone's last block grows (or shrinks) in place; any other
            // shrinks in place, its tail unused (`shrink_to_fit` of the
            // tokens and of every list the parser builds).
            let grown = ARENA.with(|arena| {
                arena.resize_last(ptr, layout.size(), new_size) || new_size <= layout.size()
            });
            if grown {
                return ptr;
            }
            // SAFETY: `new_size` is valid for `layout.align()` (the
            // caller's contract).
            let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            // SAFETY: a non-zero size, as `layout`'s.
            let new = unsafe { self.alloc(new_layout) };
            if !new.is_null() {
                // SAFETY: both blocks hold at least the smaller size.
                unsafe { std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            }
            return new;
        }
        // SAFETY: not an arena block, so the inner allocator's.
        unsafe { INNER.realloc(ptr, layout, new_size) }
    }
}

/// This thread's arena, while held: see the module's documentation.
pub struct Lease {
    /// Taken inside another lease's [`Lease::allocating`]: that lease
    /// owns the arena and ends after this one.
    inner: bool,
    _not_send: PhantomData<*const ()>,
}

impl Lease {
    /// The thread's arena, emptied, if it has one and it is not leased.
    /// Inside [`Lease::allocating`], an inner lease: what it carves lives
    /// until the outer lease ends.
    pub fn take() -> Option<Lease> {
        ARENA.with(|arena| {
            if arena.active.get() {
                return Some(Lease {
                    inner: true,
                    _not_send: PhantomData,
                });
            }
            if arena.leased.get() || arena.unavailable.get() {
                return None;
            }
            if arena.start.get() == 0 && !arena.open() {
                arena.unavailable.set(true);
                return None;
            }
            arena.leased.set(true);
            arena.spilled.set(false);
            // Empty (the probe of `open` carved a block).
            arena.small.top.set(arena.small.start.get());
            arena.large.top.set(arena.large.start.get());
            Some(Lease {
                inner: false,
                _not_send: PhantomData,
            })
        })
    }

    /// Whether some of what this lease carved came from the real allocator
    /// instead (the slot was full): a tree must then be dropped, to free
    /// those blocks.
    pub fn spilled(&self) -> bool {
        ARENA.with(|arena| arena.spilled.get())
    }

    /// Runs `f` with its allocations carved from the arena.
    ///
    /// # Safety
    /// What `f` allocates is freed when the lease ends, whatever holds
    /// it: nothing `f` returns or stores may be used after the lease is
    /// dropped (copy out what must live on, outside `allocating`).
    pub unsafe fn allocating<T>(&self, f: impl FnOnce() -> T) -> T {
        set_active(true, f)
    }
}

/// Runs `f` with the arena active or not, restoring the state after (a
/// panic included).
fn set_active<T>(active: bool, f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ARENA.with(|arena| arena.active.set(self.0));
        }
    }
    let _restore = Restore(ARENA.with(|arena| arena.active.replace(active)));
    f()
}

/// Runs `f` with its allocations from the real allocator, inside a lease
/// too: for a value that outlives the lease, such as a process-wide
/// setting initialised the first time a file's check reads it.
pub fn outside<T>(f: impl FnOnce() -> T) -> T {
    set_active(false, f)
}

impl Drop for Lease {
    fn drop(&mut self) {
        if self.inner {
            return;
        }
        ARENA.with(|arena| {
            if cfg!(debug_assertions) {
                arena.small.poison();
                arena.large.poison();
            }
            #[cfg(unix)]
            {
                arena.small.empty(region::KEEP);
                arena.large.empty(region::KEEP_LARGE);
            }
            arena.leased.set(false);
        });
    }
}

/// This thread's lease, waiting for a slot while other tests' threads
/// hold them all (tests).
#[cfg(all(test, unix))]
pub(crate) fn lease_eventually() -> Lease {
    for _ in 0..2_000 {
        if let Some(lease) = Lease::take() {
            return lease;
        }
        ARENA.with(|arena| arena.unavailable.set(false));
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("no arena slot for 20 s")
}

/// Whether `ptr` is a block carved from an arena (tests).
#[cfg(all(test, unix))]
pub(crate) fn is_carved<T: ?Sized>(value: &T) -> bool {
    region::contains(value as *const T as *const u8 as *mut u8)
}

/// Gives this thread's arena pages back to the system, unless a lease
/// holds them (each worker calls it when the files are checked: the
/// project stage that follows allocates through the real allocator).
pub fn release_idle() {
    #[cfg(unix)]
    ARENA.with(|arena| {
        if !arena.leased.get() {
            arena.small.release();
            arena.large.release();
        }
    });
}

/// Gives the pages of the blocks freed so far back to the system now
/// (jemalloc keeps them for ten seconds, to reuse). The project stage calls
/// it where it has just freed much that it will not allocate again in
/// those sizes. Whether the allocator did (not on Windows, where it is
/// mimalloc).
pub fn purge_freed() -> bool {
    #[cfg(not(windows))]
    // SAFETY: `arena.<MALLCTL_ARENAS_ALL>.purge` reads and writes nothing.
    unsafe {
        tikv_jemalloc_sys::mallctl(
            c"arena.4096.purge".as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        ) == 0
    }
    #[cfg(windows)]
    false
}

/// Gives the thread's slot back when the thread ends (a pool's threads
/// come and go: the language server, the tests).
#[cfg(unix)]
struct SlotOwner;

#[cfg(unix)]
impl Drop for SlotOwner {
    fn drop(&mut self) {
        ARENA.with(|arena| {
            let start = arena.start.get();
            // A lease still held (a tree kept in another thread-local
            // value, which nothing does) keeps its slot.
            if start != 0 && !arena.leased.get() {
                arena.small.release();
                arena.large.release();
                region::free(start);
                arena.start.set(0);
            }
        });
    }
}

#[cfg(unix)]
thread_local! {
    static SLOT_OWNER: Cell<Option<SlotOwner>> = const { Cell::new(None) };
}

impl ThreadArena {
    /// Takes a slot, and checks the process allocates through
    /// [`Allocator`] (a test block must come from the arena).
    fn open(&self) -> bool {
        #[cfg(unix)]
        {
            let Some(start) = region::slot() else {
                return false;
            };
            self.start.set(start);
            let large = start + region::SLOT - region::LARGE_ZONE;
            self.small.set(start, large);
            self.large.set(large, start + region::SLOT);
            self.active.set(true);
            let probe = Box::new(0u64);
            self.active.set(false);
            let ours = region::contains(&*probe as *const u64 as *mut u8);
            drop(probe);
            if !ours {
                self.start.set(0);
                region::free(start);
                return false;
            }
            // A thread already ending (a parse in a thread-local value's
            // destructor) could not give the slot back: no arena there.
            if SLOT_OWNER
                .try_with(|owner| owner.set(Some(SlotOwner)))
                .is_err()
            {
                self.start.set(0);
                region::free(start);
                return false;
            }
            true
        }
        #[cfg(not(unix))]
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use rustc_hash::FxHashSet;

    fn in_arena<T: ?Sized>(value: &T) -> bool {
        region::contains(value as *const T as *const u8 as *mut u8)
    }

    /// jemalloc's option `name`, as it runs.
    fn jemalloc_option<T: Default>(name: &str) -> T {
        let name = std::ffi::CString::new(name).unwrap();
        let mut value = T::default();
        let mut len = std::mem::size_of::<T>();
        // SAFETY: `value` is a `T` of `len` bytes, the option's own type.
        let status = unsafe {
            tikv_jemalloc_sys::mallctl(
                name.as_ptr(),
                (&mut value as *mut T).cast(),
                &mut len,
                std::ptr::null_mut(),
                0,
            )
        };
        assert_eq!(status, 0, "mallctl {name:?}");
        value
    }

    #[test]
    fn jemalloc_purges_on_request() {
        // A misspelt control name would be refused, and nothing purged.
        assert!(purge_freed());
    }

    #[test]
    fn jemalloc_runs_with_the_options_lib_rs_sets() {
        if std::env::var_os("_RJEM_MALLOC_CONF").is_some() {
            return; // the environment overrides them
        }
        assert_eq!(jemalloc_option::<u32>("opt.narenas"), 1);
        assert_eq!(jemalloc_option::<usize>("opt.tcache_max"), 1024);
    }

    #[test]
    fn a_lease_carves_only_what_is_allocated_inside_it() {
        std::thread::spawn(|| {
            let lease = lease_eventually();
            assert!(Lease::take().is_none(), "one lease per thread");
            let outside = Box::new(1u32);
            // SAFETY (here and below): the test uses nothing carved after
            // the lease ends.
            let (first, second) = unsafe {
                lease.allocating(|| {
                    let mut first: Vec<u64> = Vec::with_capacity(2);
                    first.extend([1, 2]);
                    let at = first.as_ptr();
                    // A new lease starts at the slot's start.
                    assert_eq!(at as usize, ARENA.with(|arena| arena.start.get()));
                    // The last block grows in place.
                    first.extend(3..100);
                    assert_eq!(first.as_ptr(), at);
                    let second = String::from("after");
                    // Not the last block any more: grown by a copy.
                    first.extend(100..1000);
                    assert_ne!(first.as_ptr(), at);
                    // A block that is not the last shrinks in place.
                    first.reserve(100);
                    let _after = Box::new(0u8);
                    let at = first.as_ptr();
                    first.shrink_to_fit();
                    assert_eq!(first.as_ptr(), at);
                    (first, second)
                })
            };
            assert!(!in_arena(&*outside));
            assert!(in_arena(first.as_slice()) && in_arena(second.as_str()));
            assert_eq!(first, (1..1000).collect::<Vec<u64>>());
            assert_eq!(second, "after");
            // Outside `allocating`, growing an arena block copies it out.
            let mut moved = first;
            moved.extend(1000..5000);
            assert!(!in_arena(moved.as_slice()));
            assert_eq!(moved, (1..5000).collect::<Vec<u64>>());
            drop(second);
            drop(lease);
            // Released: the next lease starts again at the slot's start.
            let again = Lease::take().expect("free again");
            let block = unsafe { again.allocating(|| Box::new(7u8)) };
            assert!(in_arena(&*block));
            ARENA.with(|arena| assert_eq!(&*block as *const u8 as usize, arena.start.get()));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_panic_inside_a_lease_is_caught_whole() {
        // The payload is allocated as the panic starts, and the lease ends
        // as it unwinds: the payload must not be the arena's.
        let caught = std::thread::spawn(|| {
            std::panic::catch_unwind(|| {
                let lease = lease_eventually();
                let line = std::hint::black_box(42);
                unsafe { lease.allocating(|| panic!("a parser bug at {line}")) }
            })
        })
        .join()
        .unwrap()
        .unwrap_err();
        assert!(!in_arena(&*caught));
        assert_eq!(
            caught.downcast_ref::<String>().unwrap(),
            "a parser bug at 42"
        );
    }

    #[test]
    fn a_large_list_grows_in_place_among_small_blocks() {
        std::thread::spawn(|| {
            let lease = lease_eventually();
            // SAFETY: nothing carved is used after the lease.
            unsafe {
                lease.allocating(|| {
                    // A token list growing while the parser allocates
                    // nodes: past `LARGE` it moves to the large zone
                    // once, then grows where it is.
                    let mut tokens: Vec<u64> = Vec::with_capacity(region::LARGE / 8);
                    tokens.extend(0..region::LARGE as u64 / 8);
                    tokens.push(0);
                    let moved = tokens.as_ptr();
                    let first = Box::new(0u64);
                    let mut last = Box::new(0u64);
                    for i in 1..100_000u64 {
                        // The previous node stays allocated (a tree's).
                        std::mem::forget(std::mem::replace(&mut last, Box::new(i)));
                        tokens.push(i);
                    }
                    assert_eq!(tokens.as_ptr(), moved, "grown in place");
                    assert!(in_arena(tokens.as_slice()) && in_arena(&*last));
                    let large = ARENA.with(|arena| arena.large.start.get());
                    assert!(moved as usize >= large && (&*first as *const u64 as usize) < large);
                    assert_eq!(*last, 99_999);
                    assert_eq!(tokens[region::LARGE / 8 + 99_999], 99_999);
                })
            }
        })
        .join()
        .unwrap();
    }

    #[test]
    fn what_outgrows_the_slot_comes_from_the_real_allocator() {
        std::thread::spawn(|| {
            let lease = lease_eventually();
            assert!(!lease.spilled());
            // SAFETY: nothing carved is used after the lease.
            let (small, huge) =
                unsafe { lease.allocating(|| (Box::new(1u8), vec![0u8; region::SLOT + 1])) };
            assert!(is_carved(&*small) && !is_carved(huge.as_slice()));
            assert!(lease.spilled());
            drop((small, huge));
            drop(lease);
            assert!(!lease_eventually().spilled(), "a new lease starts whole");
        })
        .join()
        .unwrap();
    }

    #[test]
    fn an_ended_thread_gives_its_slot_back() {
        let slot = || {
            std::thread::spawn(|| {
                let lease = lease_eventually();
                drop(lease);
                ARENA.with(|arena| arena.start.get())
            })
            .join()
            .unwrap()
        };
        // More threads, one after another, than there are slots: each gets
        // one only if the ended ones gave theirs back.
        let slots: FxHashSet<usize> = (0..300).map(|_| slot()).collect();
        assert!(slots.len() < 300, "{} slots", slots.len());
    }
}
