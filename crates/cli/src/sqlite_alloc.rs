//! SQLite allocates through mimalloc, like the rest of the process.
//!
//! sqlx reads SQLite rows on a thread of its own and hands copies of the values to the async
//! threads, which free them. With SQLite on the system allocator those frees took the lock of
//! the arena the SQLite thread allocated from: a profile of a million-row export spent more
//! than a quarter of its time waking and waiting on that lock (docs/perf.md). mimalloc frees
//! across threads without a lock.
//!
//! The only unsafe code of the product: the allocator's C hooks and options.
#![allow(unsafe_code)]

use std::ffi::{c_int, c_void};

use libsqlite3_sys::{SQLITE_CONFIG_MALLOC, SQLITE_OK, sqlite3_config, sqlite3_mem_methods};

unsafe extern "C" fn allocate(n: c_int) -> *mut c_void {
    // SAFETY: mimalloc's malloc takes any size; SQLite never asks for a negative one.
    unsafe { libmimalloc_sys::mi_malloc(n.max(0) as usize) }
}

unsafe extern "C" fn free(p: *mut c_void) {
    // SAFETY: SQLite frees only what `allocate` or `reallocate` returned.
    unsafe { libmimalloc_sys::mi_free(p) }
}

unsafe extern "C" fn reallocate(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as for `free`; the size is one `round_up` returned.
    unsafe { libmimalloc_sys::mi_realloc(p, n.max(0) as usize) }
}

unsafe extern "C" fn size(p: *mut c_void) -> c_int {
    // SAFETY: `p` came from `allocate` or `reallocate`; usable sizes of SQLite's requests fit
    // in an int because the requests did.
    unsafe { libmimalloc_sys::mi_usable_size(p) as c_int }
}

unsafe extern "C" fn round_up(n: c_int) -> c_int {
    (n + 7) & !7
}

unsafe extern "C" fn init(_: *mut c_void) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn shutdown(_: *mut c_void) {}

/// Points SQLite at mimalloc. Must run before the first database is opened; later it is
/// refused by SQLite and changes nothing.
pub fn install() {
    let methods = sqlite3_mem_methods {
        xMalloc: Some(allocate),
        xFree: Some(free),
        xRealloc: Some(reallocate),
        xSize: Some(size),
        xRoundup: Some(round_up),
        xInit: Some(init),
        xShutdown: Some(shutdown),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: SQLite copies the structure before returning; the functions it points to live
    // for the whole run.
    let rc = unsafe { sqlite3_config(SQLITE_CONFIG_MALLOC, &methods as *const sqlite3_mem_methods) };
    if rc != SQLITE_OK {
        eprintln!("warning: SQLite keeps the system allocator (sqlite3_config returned {rc})");
    }
}

/// mimalloc's `purge_delay` option (the same index in its v2 and v3 headers).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Hands freed memory back to the system at once: each password hash frees 19 MiB, and an
/// idle server would otherwise keep it (its resident size went from 28 to 48 MB).
pub fn return_freed_memory_at_once() {
    // SAFETY: sets a plain integer option of the allocator; no memory is touched.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}
