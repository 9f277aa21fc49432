/** Where the RPC server listens unless told otherwise. */
#define SPDK_DEFAULT_RPC_ADDR "/var/tmp/spdk.sock"
