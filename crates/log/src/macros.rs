//! The logging macros of the Rust API.

/// The [`Location`](crate::Location) of the macro call: file, line and the
/// name of the enclosing function.
#[macro_export]
macro_rules! location {
    () => {
        $crate::Location {
            file: ::core::file!(),
            line: ::core::line!(),
            func: {
                fn __f() {}
                $crate::__func_name(::core::any::type_name_of_val(&__f))
            },
        }
    };
}

/// Logs at `level` (a [`LogLevel`](crate::LogLevel)) with the call's location.
#[macro_export]
macro_rules! log_at {
    ($level:expr, $($arg:tt)+) => {{
        let level: $crate::LogLevel = $level;
        if $crate::would_log(level) {
            $crate::log(level, ::core::option::Option::Some(&$crate::location!()), ::core::format_args!($($arg)+));
        }
    }};
}

/// Like SPDK_ERRLOG(): `errlog!("cannot open {}: {}", path, rc)`. A newline
/// is appended unless the message ends with one.
#[macro_export]
macro_rules! errlog {
    ($($arg:tt)+) => { $crate::log_at!($crate::LogLevel::Error, $($arg)+) };
}

/// Like SPDK_WARNLOG().
#[macro_export]
macro_rules! warnlog {
    ($($arg:tt)+) => { $crate::log_at!($crate::LogLevel::Warn, $($arg)+) };
}

/// Like SPDK_NOTICELOG().
#[macro_export]
macro_rules! noticelog {
    ($($arg:tt)+) => { $crate::log_at!($crate::LogLevel::Notice, $($arg)+) };
}

/// Like SPDK_INFOLOG(): logs at INFO when the flag (a `static` declared with
/// [`log_flag!`](crate::log_flag)) is enabled.
#[macro_export]
macro_rules! infolog {
    ($flag:path, $($arg:tt)+) => {{
        if $flag.enabled() {
            $crate::log_at!($crate::LogLevel::Info, $($arg)+);
        }
    }};
}

/// Like SPDK_DEBUGLOG(): logs at DEBUG when the flag is enabled, in builds
/// with debug assertions only (SPDK compiles these out without DEBUG).
#[macro_export]
macro_rules! debuglog {
    ($flag:path, $($arg:tt)+) => {{
        if ::core::cfg!(debug_assertions) && $flag.enabled() {
            $crate::log_at!($crate::LogLevel::Debug, $($arg)+);
        }
    }};
}

/// Declares a log flag: `log_flag!(pub static LOG_THREAD = "thread");`.
/// The flag is found by the registry without any constructor (through a
/// linker section), so `spdk_log_set_flag("thread")` works before the
/// flag's first use; `LOG_THREAD.enabled()` reads it.
#[macro_export]
macro_rules! log_flag {
    ($(#[$meta:meta])* $vis:vis static $id:ident = $name:literal $(;)?) => {
        $(#[$meta])*
        $vis static $id: $crate::LogFlag =
            $crate::LogFlag::new($crate::__cstr(::core::concat!($name, "\0")));
        const _: () = {
            #[used]
            #[cfg_attr(any(target_os = "linux", target_os = "android", target_os = "freebsd"),
                       link_section = "spdk_log_flags")]
            static __SPDK_LOG_FLAG_ENTRY: &$crate::LogFlag = &$id;
        };
    };
}
