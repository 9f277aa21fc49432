//! The C ABI of include/spdk/cpuset.h.
