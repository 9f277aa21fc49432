/** \file
 * Definitions of the NVMe over Fabrics specification: fabrics command and
 * response capsules, connect data, the discovery log page, in-band
 * authentication messages, and the RDMA and TCP transport structures.
 * All of its structures are packed, as on the wire.
 */

/** Prefix of an NQN built from a UUID; the UUID follows it. */
#define SPDK_NVMF_NQN_UUID_PRE "nqn.2014-08.org.nvmexpress:uuid:"

/** The well-known NQN of a discovery controller. */
#define SPDK_NVMF_DISCOVERY_NQN "nqn.2014-08.org.nvmexpress.discovery"

/** Discovery log entry flags: duplicate returned information. */
#define SPDK_NVMF_DISCOVERY_LOG_EFLAGS_DUPRETINFO (1u << 0u)
/** Discovery log entry flags: explicit persistent connections supported. */
#define SPDK_NVMF_DISCOVERY_LOG_EFLAGS_EPCSD (1u << 1u)

/** NVMe/TCP common header flags: a header digest, a data digest follows. */
#define SPDK_NVME_TCP_CH_FLAGS_HDGSTF (1u << 0)
#define SPDK_NVME_TCP_CH_FLAGS_DDGSTF (1u << 1)

/** Largest PDU data offset NVMe/TCP allows (from the largest CPDA). */
#define SPDK_NVME_TCP_PDU_PDO_MAX_OFFSET ((SPDK_NVME_TCP_CPDA_MAX + 1) << 2)

/** H2CData flags: last PDU of the data; (unused by hosts) success. */
#define SPDK_NVME_TCP_H2C_DATA_FLAGS_LAST_PDU (1u << 2)
#define SPDK_NVME_TCP_H2C_DATA_FLAGS_SUCCESS (1u << 3)
/** H2CData PDU data offset granularity. */
#define SPDK_NVME_TCP_H2C_DATA_PDO_MULT 8u

/** C2HData flags: success (no response capsule follows); last PDU. */
#define SPDK_NVME_TCP_C2H_DATA_FLAGS_SUCCESS (1u << 3)
#define SPDK_NVME_TCP_C2H_DATA_FLAGS_LAST_PDU (1u << 2)
/** C2HData PDU data offset granularity. */
#define SPDK_NVME_TCP_C2H_DATA_PDO_MULT 8u

/** Longest termination request PDU: its header and the error data. */
#define SPDK_NVME_TCP_TERM_REQ_PDU_MAX_SIZE \
	(SPDK_NVME_TCP_TERM_REQ_ERROR_DATA_MAX_SIZE + sizeof(struct spdk_nvme_tcp_term_req_hdr))
