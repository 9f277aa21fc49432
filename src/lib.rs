pub use spdk_env as env;
pub use spdk_log as log;
pub use spdk_util as util;
