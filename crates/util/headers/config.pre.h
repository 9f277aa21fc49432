/** \file
 * What this build of the library has, under the SPDK_CONFIG_* names that
 * SPDK's configure script writes (SPDK programs test them with #ifdef).
 * A feature is defined only when the library really provides it: a
 * program that compiles a feature in must find its functions at link
 * time. Values describe this library, not an SPDK build tree.
 */

/* Installation and build. */
#define SPDK_CONFIG_PREFIX "/usr/local"
#define SPDK_CONFIG_LIBDIR
#define SPDK_CONFIG_ARCH native
#define SPDK_CONFIG_CROSS_PREFIX
#define SPDK_CONFIG_ENV
#define SPDK_CONFIG_SHARED 1
#define SPDK_CONFIG_APPS 1
#define SPDK_CONFIG_EXAMPLES 1
#define SPDK_CONFIG_TESTS 1
#undef SPDK_CONFIG_UNIT_TESTS
#undef SPDK_CONFIG_DEBUG
#undef SPDK_CONFIG_WERROR
#undef SPDK_CONFIG_LTO
#undef SPDK_CONFIG_PGO_CAPTURE
#undef SPDK_CONFIG_PGO_USE
#undef SPDK_CONFIG_COVERAGE
#undef SPDK_CONFIG_ASAN
#undef SPDK_CONFIG_UBSAN
#undef SPDK_CONFIG_TSAN
#undef SPDK_CONFIG_FUZZER
#undef SPDK_CONFIG_CET
#undef SPDK_CONFIG_GOLANG

/* Limits of the environment layer. */
#define SPDK_CONFIG_MAX_LCORES 1024
#define SPDK_CONFIG_MAX_NUMA_NODES 1

/* No DPDK underneath: the environment is the library's own. */
#undef SPDK_CONFIG_DPDK_PKG_CONFIG
#undef SPDK_CONFIG_DPDK_COMPRESSDEV
#undef SPDK_CONFIG_DPDK_UADK

/*
 * Features not provided (yet): their functions are not exported, so they
 * stay undefined. io_uring is used inside the uring bdev module, but
 * SPDK_CONFIG_URING promises liburing to the program, which we do not.
 */
#undef SPDK_CONFIG_RDMA
#undef SPDK_CONFIG_RDMA_SEND_WITH_INVAL
#undef SPDK_CONFIG_RDMA_SET_ACK_TIMEOUT
#undef SPDK_CONFIG_RDMA_SET_TOS
#undef SPDK_CONFIG_NVME_CUSE
#undef SPDK_CONFIG_FC
#undef SPDK_CONFIG_RBD
#undef SPDK_CONFIG_DAOS
#undef SPDK_CONFIG_UBLK
#undef SPDK_CONFIG_VHOST
#undef SPDK_CONFIG_VIRTIO
#undef SPDK_CONFIG_VFIO_USER
#undef SPDK_CONFIG_XNVME
#undef SPDK_CONFIG_CRYPTO
#undef SPDK_CONFIG_CRYPTO_MLX5
#undef SPDK_CONFIG_ISCSI_INITIATOR
#undef SPDK_CONFIG_VTUNE
#undef SPDK_CONFIG_IPSEC_MB
#undef SPDK_CONFIG_OCF
#undef SPDK_CONFIG_CUSTOMOCF
#undef SPDK_CONFIG_ISAL
#undef SPDK_CONFIG_ISAL_CRYPTO
#undef SPDK_CONFIG_URING
#undef SPDK_CONFIG_URING_ZNS
#undef SPDK_CONFIG_RAID5F
#undef SPDK_CONFIG_IDXD
#undef SPDK_CONFIG_IDXD_KERNEL
#undef SPDK_CONFIG_USDT
#undef SPDK_CONFIG_FIO_PLUGIN
#undef SPDK_CONFIG_SMA
#undef SPDK_CONFIG_AVAHI
#undef SPDK_CONFIG_FSDEV
#undef SPDK_CONFIG_AIO_FSDEV
#undef SPDK_CONFIG_CUDA
#undef SPDK_CONFIG_VMD
