//! event.h: the application framework (options, command line, start and
//! stop, reactors and events).

pub mod opts;

pub use opts::*;
