/** Fatal error status of a TCP termination request (FES). Two names share
 * the value 5. */
enum spdk_nvme_tcp_term_req_fes {
	SPDK_NVME_TCP_TERM_REQ_FES_INVALID_HEADER_FIELD			= 0x01,
	SPDK_NVME_TCP_TERM_REQ_FES_PDU_SEQUENCE_ERROR			= 0x02,
	SPDK_NVME_TCP_TERM_REQ_FES_HDGST_ERROR				= 0x03,
	SPDK_NVME_TCP_TERM_REQ_FES_DATA_TRANSFER_OUT_OF_RANGE		= 0x04,
	SPDK_NVME_TCP_TERM_REQ_FES_DATA_TRANSFER_LIMIT_EXCEEDED		= 0x05,
	SPDK_NVME_TCP_TERM_REQ_FES_R2T_LIMIT_EXCEEDED			= 0x05,
	SPDK_NVME_TCP_TERM_REQ_FES_INVALID_DATA_UNSUPPORTED_PARAMETER	= 0x06,
};

#pragma pack(push, 1)

/*
 * Fabrics commands and responses.
 */

/** A fabrics command capsule, generic view (opcode SPDK_NVME_OPC_FABRIC). */
struct spdk_nvmf_capsule_cmd {
	uint8_t		opcode;
	uint8_t		reserved1;
	uint16_t	cid;
	uint8_t		fctype;		/**< enum spdk_nvmf_fabric_cmd_types */
	uint8_t		reserved2[35];
	uint8_t		fabric_specific[24];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_capsule_cmd) == 64, "size");

/** Authentication Receive command. */
struct spdk_nvmf_fabric_auth_recv_cmd {
	uint8_t		opcode;
	uint8_t		reserved1;
	uint16_t	cid;
	uint8_t		fctype;		/**< SPDK_NVMF_FABRIC_COMMAND_AUTHENTICATION_RECV */
	uint8_t		reserved2[19];
	struct spdk_nvme_sgl_descriptor sgl1;
	uint8_t		reserved3;
	uint8_t		spsp0;		/**< security protocol specific */
	uint8_t		spsp1;
	uint8_t		secp;		/**< security protocol (SPDK_NVMF_AUTH_SECP_NVME) */
	uint32_t	al;		/**< allocation length */
	uint8_t		reserved4[16];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_auth_recv_cmd) == 64, "size");

/** Authentication Send command. */
struct spdk_nvmf_fabric_auth_send_cmd {
	uint8_t		opcode;
	uint8_t		reserved1;
	uint16_t	cid;
	uint8_t		fctype;		/**< SPDK_NVMF_FABRIC_COMMAND_AUTHENTICATION_SEND */
	uint8_t		reserved2[19];
	struct spdk_nvme_sgl_descriptor sgl1;
	uint8_t		reserved3;
	uint8_t		spsp0;
	uint8_t		spsp1;
	uint8_t		secp;
	uint32_t	tl;		/**< transfer length */
	uint8_t		reserved4[16];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_auth_send_cmd) == 64, "size");

/** Data of the Connect command. */
struct spdk_nvmf_fabric_connect_data {
	uint8_t		hostid[16];	/**< host identifier */
	uint16_t	cntlid;		/**< controller to join (0xffff: any, dynamic model) */
	uint8_t		reserved5[238];
	uint8_t		subnqn[SPDK_NVME_NQN_FIELD_SIZE];
	uint8_t		hostnqn[SPDK_NVME_NQN_FIELD_SIZE];
	uint8_t		reserved6[256];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_connect_data) == 1024, "size");

/** Connect command. */
struct spdk_nvmf_fabric_connect_cmd {
	uint8_t		opcode;
	uint8_t		reserved1;
	uint16_t	cid;
	uint8_t		fctype;		/**< SPDK_NVMF_FABRIC_COMMAND_CONNECT */
	uint8_t		reserved2[19];
	struct spdk_nvme_sgl_descriptor sgl1;
	uint16_t	recfmt;		/**< record format (0) */
	uint16_t	qid;		/**< queue (0: admin) */
	uint16_t	sqsize;		/**< submission queue size, 0's based */
	uint8_t		cattr;		/**< connect attributes */
	uint8_t		reserved3;
	uint32_t	kato;		/**< keep alive timeout, ms */
	uint8_t		reserved4[12];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_connect_cmd) == 64, "size");

/** Response to Connect. */
struct spdk_nvmf_fabric_connect_rsp {
	union {
		/** On success. */
		struct {
			uint16_t cntlid;	/**< controller ID */
			struct {
				uint16_t reserved1	: 1;
				uint16_t atr		: 1;	/**< authentication required */
				uint16_t ascr		: 1;	/**< secure channel concatenation required */
				uint16_t reserved2	: 13;
			} authreq;
		} success;

		/** On SPDK_NVMF_FABRIC_SC_INVALID_PARAM. */
		struct {
			uint16_t	ipo;	/**< offset of the invalid parameter */
			uint8_t		iattr;	/**< 0: in the command, 1: in the data */
			uint8_t		reserved;
		} invalid;

		uint32_t raw;
	} status_code_specific;

	uint32_t	reserved0;
	uint16_t	sqhd;
	uint16_t	reserved1;
	uint16_t	cid;
	struct spdk_nvme_status status;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_connect_rsp) == 16, "size");

/** Property Get command. */
struct spdk_nvmf_fabric_prop_get_cmd {
	uint8_t		opcode;
	uint8_t		reserved1;
	uint16_t	cid;
	uint8_t		fctype;		/**< SPDK_NVMF_FABRIC_COMMAND_PROPERTY_GET */
	uint8_t		reserved2[35];
	struct {
		uint8_t size		: 3;	/**< SPDK_NVMF_PROP_SIZE_4 or _8 */
		uint8_t reserved	: 5;
	} attrib;
	uint8_t		reserved3[3];
	uint32_t	ofst;		/**< property offset (controller register) */
	uint8_t		reserved4[16];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_prop_get_cmd) == 64, "size");

/** Response to Property Get. */
struct spdk_nvmf_fabric_prop_get_rsp {
	union {
		uint64_t u64;
		struct {
			uint32_t low;
			uint32_t high;
		} u32;
	} value;

	uint16_t	sqhd;
	uint16_t	reserved0;
	uint16_t	cid;
	struct spdk_nvme_status status;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_prop_get_rsp) == 16, "size");

/** Property Set command. */
struct spdk_nvmf_fabric_prop_set_cmd {
	uint8_t		opcode;
	uint8_t		reserved0;
	uint16_t	cid;
	uint8_t		fctype;		/**< SPDK_NVMF_FABRIC_COMMAND_PROPERTY_SET */
	uint8_t		reserved1[35];
	struct {
		uint8_t size		: 3;	/**< SPDK_NVMF_PROP_SIZE_4 or _8 */
		uint8_t reserved	: 5;
	} attrib;
	uint8_t		reserved2[3];
	uint32_t	ofst;		/**< property offset (controller register) */

	union {
		uint64_t u64;
		struct {
			uint32_t low;
			uint32_t high;
		} u32;
	} value;

	uint8_t		reserved4[8];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_fabric_prop_set_cmd) == 64, "size");

/*
 * Discovery log page.
 */

/** RDMA transport specific address subtype of a discovery log entry. */
struct spdk_nvmf_rdma_transport_specific_address_subtype {
	uint8_t		rdma_qptype;	/**< enum spdk_nvmf_rdma_qptype */
	uint8_t		rdma_prtype;	/**< enum spdk_nvmf_rdma_prtype */
	uint8_t		rdma_cms;	/**< enum spdk_nvmf_rdma_cms */
	uint8_t		reserved0[5];
	uint16_t	rdma_pkey;	/**< partition key (AF_IB) */
	uint8_t		reserved2[246];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_rdma_transport_specific_address_subtype) == 256, "size");

/** TCP transport specific address subtype of a discovery log entry. */
struct spdk_nvme_tcp_transport_specific_address_subtype {
	uint8_t		sectype;	/**< enum spdk_nvme_tcp_secure_socket_type */
	uint8_t		reserved0[255];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_transport_specific_address_subtype) == 256, "size");

/** Transport specific address subtype (TSAS) of a discovery log entry. */
union spdk_nvmf_transport_specific_address_subtype {
	uint8_t raw[256];
	struct spdk_nvmf_rdma_transport_specific_address_subtype rdma;
	struct spdk_nvme_tcp_transport_specific_address_subtype tcp;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvmf_transport_specific_address_subtype) == 256, "size");

/** One entry of the discovery log page: a subsystem port. Strings are
 * space padded, not terminated. */
struct spdk_nvmf_discovery_log_page_entry {
	uint8_t		trtype;		/**< enum spdk_nvmf_trtype */
	uint8_t		adrfam;		/**< enum spdk_nvmf_adrfam */
	uint8_t		subtype;	/**< enum spdk_nvmf_subtype */
	struct {
		uint8_t secure_channel	: 2;	/**< enum spdk_nvmf_treq_secure_channel */
		uint8_t reserved	: 6;
	} treq;				/**< transport requirements */
	uint16_t	portid;		/**< subsystem port */
	uint16_t	cntlid;		/**< controller (0xffff: dynamic) */
	uint16_t	asqsz;		/**< largest admin submission queue */
	uint16_t	eflags;		/**< SPDK_NVMF_DISCOVERY_LOG_EFLAGS_* */
	uint8_t		reserved0[20];
	uint8_t		trsvcid[SPDK_NVMF_TRSVCID_MAX_LEN];	/**< transport service ID */
	uint8_t		reserved1[192];
	uint8_t		subnqn[256];				/**< subsystem NQN */
	uint8_t		traddr[SPDK_NVMF_TRADDR_MAX_LEN];	/**< transport address */
	union spdk_nvmf_transport_specific_address_subtype tsas;
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_discovery_log_page_entry) == 1024, "size");

/** Header of the discovery log page; numrec entries follow. */
struct spdk_nvmf_discovery_log_page {
	uint64_t	genctr;		/**< generation counter */
	uint64_t	numrec;		/**< number of records */
	uint16_t	recfmt;		/**< record format (0) */
	uint8_t		reserved0[1006];
	struct spdk_nvmf_discovery_log_page_entry entries[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_discovery_log_page) == 1024, "size");

/*
 * In-band authentication (DH-HMAC-CHAP) messages.
 */

/** A protocol descriptor of AUTH_Negotiate. */
struct spdk_nvmf_auth_descriptor {
	uint8_t		auth_id;	/**< enum spdk_nvmf_auth_type */
	uint8_t		reserved0;
	uint8_t		halen;		/**< entries of hash_id_list */
	uint8_t		dhlen;		/**< entries of dhg_id_list */
	uint8_t		hash_id_list[30];	/**< enum spdk_nvmf_dhchap_hash */
	uint8_t		dhg_id_list[30];	/**< enum spdk_nvmf_dhchap_dhgroup */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_auth_descriptor) == 64, "size");

/** AUTH_Negotiate; napd descriptors follow. */
struct spdk_nvmf_auth_negotiate {
	uint8_t		auth_type;	/**< enum spdk_nvmf_auth_type */
	uint8_t		auth_id;	/**< enum spdk_nvmf_auth_id */
	uint8_t		reserved0[2];
	uint16_t	t_id;		/**< transaction */
	uint8_t		sc_c;		/**< enum spdk_nvmf_auth_scc */
	uint8_t		napd;		/**< number of descriptors */
	struct spdk_nvmf_auth_descriptor descriptors[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_auth_negotiate) == 8, "size");

/** DH-HMAC-CHAP_Challenge; the challenge (hl bytes) then the DH value
 * (dhvlen bytes) follow. */
struct spdk_nvmf_dhchap_challenge {
	uint8_t		auth_type;
	uint8_t		auth_id;
	uint8_t		reserved0[2];
	uint16_t	t_id;
	uint8_t		hl;		/**< hash length */
	uint8_t		reserved1;
	uint8_t		hash_id;	/**< enum spdk_nvmf_dhchap_hash */
	uint8_t		dhg_id;		/**< enum spdk_nvmf_dhchap_dhgroup */
	uint16_t	dhvlen;		/**< DH value length */
	uint32_t	seqnum;		/**< sequence number */
	uint8_t		cval[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_dhchap_challenge) == 16, "size");

/** DH-HMAC-CHAP_Reply; the response (hl bytes), the host's challenge (hl
 * bytes) and its DH value (dhvlen bytes) follow. */
struct spdk_nvmf_dhchap_reply {
	uint8_t		auth_type;
	uint8_t		auth_id;
	uint8_t		reserved0[2];
	uint16_t	t_id;
	uint8_t		hl;		/**< hash length */
	uint8_t		reserved1;
	uint8_t		cvalid;		/**< a host challenge is present */
	uint8_t		reserved2;
	uint16_t	dhvlen;
	uint32_t	seqnum;
	uint8_t		rval[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_dhchap_reply) == 16, "size");

/** DH-HMAC-CHAP_Success1; the controller's response (hl bytes) follows. */
struct spdk_nvmf_dhchap_success1 {
	uint8_t		auth_type;
	uint8_t		auth_id;
	uint8_t		reserved0[2];
	uint16_t	t_id;
	uint8_t		hl;
	uint8_t		reserved1;
	uint8_t		rvalid;		/**< a response is present */
	uint8_t		reserved2[7];
	uint8_t		rval[0];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_dhchap_success1) == 16, "size");

/** DH-HMAC-CHAP_Success2. */
struct spdk_nvmf_dhchap_success2 {
	uint8_t		auth_type;
	uint8_t		auth_id;
	uint8_t		reserved0[2];
	uint16_t	t_id;
	uint8_t		reserved1[10];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_dhchap_success2) == 16, "size");

/** AUTH_Failure1 and AUTH_Failure2. */
struct spdk_nvmf_auth_failure {
	uint8_t		auth_type;
	uint8_t		auth_id;
	uint8_t		reserved0[2];
	uint16_t	t_id;
	uint8_t		rc;		/**< reason code (SPDK_NVMF_AUTH_FAILURE) */
	uint8_t		rce;		/**< enum spdk_nvmf_auth_failure_reason */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_auth_failure) == 8, "size");

/*
 * RDMA transport: private data of the connection manager messages.
 */

/** Private data of an RDMA connection request. */
struct spdk_nvmf_rdma_request_private_data {
	uint16_t	recfmt;		/**< record format (0) */
	uint16_t	qid;		/**< queue (0: admin) */
	uint16_t	hrqsize;	/**< host receive queue size */
	uint16_t	hsqsize;	/**< host send queue size */
	uint16_t	cntlid;		/**< controller ID */
	uint8_t		reserved[22];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_rdma_request_private_data) == 32, "size");

/** Private data of an RDMA connection accept. */
struct spdk_nvmf_rdma_accept_private_data {
	uint16_t	recfmt;
	uint16_t	crqsize;	/**< controller receive queue size */
	uint8_t		reserved[28];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_rdma_accept_private_data) == 32, "size");

/** Private data of an RDMA connection reject. */
struct spdk_nvmf_rdma_reject_private_data {
	uint16_t	recfmt;
	uint16_t	sts;		/**< enum spdk_nvmf_rdma_transport_error */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvmf_rdma_reject_private_data) == 4, "size");

/** RDMA private data, any of the three. */
union spdk_nvmf_rdma_private_data {
	struct spdk_nvmf_rdma_request_private_data	pd_request;
	struct spdk_nvmf_rdma_accept_private_data	pd_accept;
	struct spdk_nvmf_rdma_reject_private_data	pd_reject;
};
SPDK_STATIC_ASSERT(sizeof(union spdk_nvmf_rdma_private_data) == 32, "size");

/*
 * TCP transport: PDU headers.
 */

/** The header common to every NVMe/TCP PDU. */
struct spdk_nvme_tcp_common_pdu_hdr {
	uint8_t		pdu_type;	/**< enum spdk_nvme_tcp_pdu_type */
	uint8_t		flags;		/**< type specific flags */
	uint8_t		hlen;		/**< header length, without the header digest */
	uint8_t		pdo;		/**< offset of the data in the PDU */
	uint32_t	plen;		/**< length of the whole PDU */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_common_pdu_hdr) == 8, "size");

/** Initialize connection request (ICReq). */
struct spdk_nvme_tcp_ic_req {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	pfv;		/**< PDU format version */
	uint8_t		hpda;		/**< alignment of controller-to-host data, dwords, 0's based */
	union {
		uint8_t raw;
		struct {
			uint8_t hdgst_enable	: 1;
			uint8_t ddgst_enable	: 1;
			uint8_t reserved	: 6;
		} bits;
	} dgst;				/**< digests requested */
	uint32_t	maxr2t;		/**< most outstanding R2Ts per command, 0's based */
	uint8_t		reserved16[112];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_ic_req) == 128, "size");

/** Initialize connection response (ICResp). */
struct spdk_nvme_tcp_ic_resp {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	pfv;		/**< PDU format version */
	uint8_t		cpda;		/**< alignment of host-to-controller data, dwords, 0's based */
	union {
		uint8_t raw;
		struct {
			uint8_t hdgst_enable	: 1;
			uint8_t ddgst_enable	: 1;
			uint8_t reserved	: 6;
		} bits;
	} dgst;				/**< digests enabled */
	uint32_t	maxh2cdata;	/**< most data bytes per H2CData PDU */
	uint8_t		reserved16[112];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_ic_resp) == 128, "size");

/** Termination request (either direction); error data follows. */
struct spdk_nvme_tcp_term_req_hdr {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	fes;		/**< enum spdk_nvme_tcp_term_req_fes */
	uint8_t		fei[4];		/**< fatal error information */
	uint8_t		reserved14[10];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_term_req_hdr) == 24, "size");

/** Command capsule; in-capsule data may follow. */
struct spdk_nvme_tcp_cmd {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	struct spdk_nvme_cmd	ccsqe;	/**< the submission queue entry */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_cmd) == 72, "size");

/** Response capsule. */
struct spdk_nvme_tcp_rsp {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	struct spdk_nvme_cpl	rccqe;	/**< the completion queue entry */
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_rsp) == 24, "size");

/** Host to controller data (H2CData). */
struct spdk_nvme_tcp_h2c_data_hdr {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	cccid;		/**< command capsule CID */
	uint16_t	ttag;		/**< transfer tag of the R2T */
	uint32_t	datao;		/**< offset in the command's data */
	uint32_t	datal;		/**< length */
	uint8_t		reserved20[4];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_h2c_data_hdr) == 24, "size");

/** Controller to host data (C2HData). */
struct spdk_nvme_tcp_c2h_data_hdr {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	cccid;		/**< command capsule CID */
	uint8_t		reserved10[2];
	uint32_t	datao;		/**< offset in the command's data */
	uint32_t	datal;		/**< length */
	uint8_t		reserved20[4];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_c2h_data_hdr) == 24, "size");

/** Ready to transfer (R2T). */
struct spdk_nvme_tcp_r2t_hdr {
	struct spdk_nvme_tcp_common_pdu_hdr common;
	uint16_t	cccid;		/**< command capsule CID */
	uint16_t	ttag;		/**< transfer tag for the H2CData PDUs */
	uint32_t	r2to;		/**< offset in the command's data */
	uint32_t	r2tl;		/**< length */
	uint8_t		reserved20[4];
};
SPDK_STATIC_ASSERT(sizeof(struct spdk_nvme_tcp_r2t_hdr) == 24, "size");

#pragma pack(pop)
