//! An in-memory NVMe controller for tests and the benchmark.

use std::sync::Once;

/// Brings the environment up once per process (no hugepages needed), so
/// that DMA memory has IOVAs (IOVA = VA) as under VFIO. For tests and
/// benchmarks; applications call `spdk_env_init` themselves.
pub fn ensure_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if !spdk_env::init::is_initialized() {
            let o = spdk_env::init::Options {
                name: "nvme_model".into(),
                core_mask: Some("0x1".into()),
                shm_id: -1,
                no_huge: true,
                ..Default::default()
            };
            if let Err(e) = spdk_env::init::init(o) {
                spdk_log::errlog!("environment initialization failed: {}", e);
            }
            // init pins the calling thread to the main core; tests and
            // benchmarks run where the scheduler puts them.
            spdk_env::cores::unaffinitize();
        }
    });
}
