/* spdk/nvme_spec.h and spdk/nvmf_spec.h: member offsets of the big
 * structures at the byte positions of the NVMe specification, the status
 * helper macros, the inline helpers and the I/O flag macros, and bytes of
 * commands and completions built through the bitfields.
 * (capi-tests/nvme_spec_bits.c checks every member against the Rust view.) */
#include "spdk/stdinc.h"
#include "spdk/nvme_spec.h"
#include "spdk/nvmf_spec.h"
#include "harness.h"

static void
test_ctrlr_data_offsets(void)
{
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, vid) == 0);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, ssvid) == 2);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, sn) == 4);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, mn) == 24);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, fr) == 64);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, rab) == 72);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, ieee) == 73);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, cmic) == 76);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, mdts) == 77);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, cntlid) == 78);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, ver) == 80);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, rtd3r) == 84);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, rtd3e) == 88);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, oaes) == 92);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, ctratt) == 96);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, rrls) == 100);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, cntrltype) == 111);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, fguid) == 112);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, crdt) == 128);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nvmsr) == 253);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, vwci) == 254);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, mec) == 255);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, oacs) == 256);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, acl) == 258);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, aerl) == 259);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, frmw) == 260);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, lpa) == 261);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, elpe) == 262);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, npss) == 263);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, wctemp) == 266);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, cctemp) == 268);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, hmpre) == 272);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, tnvmcap) == 280);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, unvmcap) == 296);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, rpmbs) == 312);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, edstt) == 316);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, dsto) == 318);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, fwug) == 319);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, kas) == 320);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, hctma) == 322);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, sanicap) == 328);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, hmminds) == 332);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, anatt) == 342);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, anacap) == 343);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, anagrpmax) == 344);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nanagrpid) == 348);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, pels) == 352);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, megcap) == 368);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, sqes) == 512);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, cqes) == 513);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, maxcmd) == 514);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nn) == 516);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, oncs) == 520);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, fuses) == 522);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, fna) == 524);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, vwc) == 525);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, awun) == 526);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, awupf) == 528);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, acwu) == 532);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, ocfs) == 534);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, sgls) == 536);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, mnan) == 540);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, maxdna) == 544);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, maxcna) == 560);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, subnqn) == 768);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nvmf_specific) == 1792);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nvmf_specific.iorcsz) == 1796);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nvmf_specific.icdoff) == 1800);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, nvmf_specific.msdbd) == 1803);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, psd) == 2048);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, psd[31]) == 3040);
	CHECK(offsetof(struct spdk_nvme_ctrlr_data, vs) == 3072);
	CHECK(sizeof(struct spdk_nvme_ctrlr_data) == SPDK_NVME_IDENTIFY_BUFLEN);
}

static void
test_ns_data_offsets(void)
{
	CHECK(offsetof(struct spdk_nvme_ns_data, nsze) == 0);
	CHECK(offsetof(struct spdk_nvme_ns_data, ncap) == 8);
	CHECK(offsetof(struct spdk_nvme_ns_data, nuse) == 16);
	CHECK(offsetof(struct spdk_nvme_ns_data, nsfeat) == 24);
	CHECK(offsetof(struct spdk_nvme_ns_data, nlbaf) == 25);
	CHECK(offsetof(struct spdk_nvme_ns_data, flbas) == 26);
	CHECK(offsetof(struct spdk_nvme_ns_data, mc) == 27);
	CHECK(offsetof(struct spdk_nvme_ns_data, dpc) == 28);
	CHECK(offsetof(struct spdk_nvme_ns_data, dps) == 29);
	CHECK(offsetof(struct spdk_nvme_ns_data, nmic) == 30);
	CHECK(offsetof(struct spdk_nvme_ns_data, nsrescap) == 31);
	CHECK(offsetof(struct spdk_nvme_ns_data, fpi) == 32);
	CHECK(offsetof(struct spdk_nvme_ns_data, dlfeat) == 33);
	CHECK(offsetof(struct spdk_nvme_ns_data, nawun) == 34);
	CHECK(offsetof(struct spdk_nvme_ns_data, nawupf) == 36);
	CHECK(offsetof(struct spdk_nvme_ns_data, nacwu) == 38);
	CHECK(offsetof(struct spdk_nvme_ns_data, nabsn) == 40);
	CHECK(offsetof(struct spdk_nvme_ns_data, nabo) == 42);
	CHECK(offsetof(struct spdk_nvme_ns_data, nabspf) == 44);
	CHECK(offsetof(struct spdk_nvme_ns_data, noiob) == 46);
	CHECK(offsetof(struct spdk_nvme_ns_data, nvmcap) == 48);
	CHECK(offsetof(struct spdk_nvme_ns_data, npwg) == 64);
	CHECK(offsetof(struct spdk_nvme_ns_data, npwa) == 66);
	CHECK(offsetof(struct spdk_nvme_ns_data, npdg) == 68);
	CHECK(offsetof(struct spdk_nvme_ns_data, npda) == 70);
	CHECK(offsetof(struct spdk_nvme_ns_data, nows) == 72);
	CHECK(offsetof(struct spdk_nvme_ns_data, mssrl) == 74);
	CHECK(offsetof(struct spdk_nvme_ns_data, mcl) == 76);
	CHECK(offsetof(struct spdk_nvme_ns_data, msrc) == 80);
	CHECK(offsetof(struct spdk_nvme_ns_data, anagrpid) == 92);
	CHECK(offsetof(struct spdk_nvme_ns_data, nsattr) == 99);
	CHECK(offsetof(struct spdk_nvme_ns_data, nvmsetid) == 100);
	CHECK(offsetof(struct spdk_nvme_ns_data, endgid) == 102);
	CHECK(offsetof(struct spdk_nvme_ns_data, nguid) == 104);
	CHECK(offsetof(struct spdk_nvme_ns_data, eui64) == 120);
	CHECK(offsetof(struct spdk_nvme_ns_data, lbaf) == 128);
	CHECK(offsetof(struct spdk_nvme_ns_data, lbaf[63]) == 380);
	CHECK(offsetof(struct spdk_nvme_ns_data, vendor_specific) == 384);
}

static void
test_cmd_cpl_offsets(void)
{
	CHECK(offsetof(struct spdk_nvme_cmd, cid) == 2);
	CHECK(offsetof(struct spdk_nvme_cmd, nsid) == 4);
	CHECK(offsetof(struct spdk_nvme_cmd, rsvd2) == 8);
	CHECK(offsetof(struct spdk_nvme_cmd, mptr) == 16);
	CHECK(offsetof(struct spdk_nvme_cmd, dptr) == 24);
	CHECK(offsetof(struct spdk_nvme_cmd, dptr.prp.prp2) == 32);
	CHECK(offsetof(struct spdk_nvme_cmd, dptr.sgl1.address) == 24);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw10) == 40);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw10_bits) == 40);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw11) == 44);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw12) == 48);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw13) == 52);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw14) == 56);
	CHECK(offsetof(struct spdk_nvme_cmd, cdw15) == 60);
	CHECK(offsetof(struct spdk_nvme_cpl, cdw0) == 0);
	CHECK(offsetof(struct spdk_nvme_cpl, cdw1) == 4);
	CHECK(offsetof(struct spdk_nvme_cpl, sqhd) == 8);
	CHECK(offsetof(struct spdk_nvme_cpl, sqid) == 10);
	CHECK(offsetof(struct spdk_nvme_cpl, cid) == 12);
	CHECK(offsetof(struct spdk_nvme_cpl, status) == 14);
	CHECK(offsetof(struct spdk_nvme_cpl, status_raw) == 14);
	CHECK(offsetof(struct spdk_nvme_registers, doorbell[0].sq_tdbl) == 0x1000);
	CHECK(offsetof(struct spdk_nvme_tcp_cmd, ccsqe) == 8);
	CHECK(offsetof(struct spdk_nvme_tcp_rsp, rccqe) == 8);
	CHECK(offsetof(struct spdk_nvmf_fabric_connect_cmd, sgl1) == 24);
	CHECK(offsetof(struct spdk_nvmf_fabric_connect_cmd, kato) == 48);
	CHECK(offsetof(struct spdk_nvmf_discovery_log_page_entry, tsas) == 768);
}

/* A completion with status type `sct` and code `sc`, built through the raw
 * status word so that the helpers read what the bitfields decode. */
static struct spdk_nvme_cpl
cpl_with(unsigned sct, unsigned sc, uint32_t cdw0)
{
	struct spdk_nvme_cpl cpl;

	memset(&cpl, 0, sizeof(cpl));
	cpl.cdw0 = cdw0;
	cpl.status_raw = (uint16_t)(1 | sc << 1 | sct << 9);
	return cpl;
}

static void
test_cpl_helpers(void)
{
	struct spdk_nvme_cpl cpl = cpl_with(SPDK_NVME_SCT_GENERIC, SPDK_NVME_SC_SUCCESS, 0);

	CHECK(cpl.status.p == 1);
	CHECK(!spdk_nvme_cpl_is_error(&cpl) && spdk_nvme_cpl_is_success(&cpl));
	CHECK(spdk_nvme_cpl_is_abort_success(&cpl));
	cpl.cdw0 = 1;
	CHECK(!spdk_nvme_cpl_is_abort_success(&cpl));

	cpl = cpl_with(SPDK_NVME_SCT_COMMAND_SPECIFIC, SPDK_NVME_SC_SUCCESS, 0);
	CHECK(spdk_nvme_cpl_is_error(&cpl) && !spdk_nvme_cpl_is_success(&cpl));
	CHECK(!spdk_nvme_cpl_is_abort_success(&cpl));

	cpl = cpl_with(SPDK_NVME_SCT_GENERIC, SPDK_NVME_SC_INVALID_FIELD, 0);
	CHECK(spdk_nvme_cpl_is_error(&cpl) && !spdk_nvme_cpl_is_pi_error(&cpl));

	cpl = cpl_with(SPDK_NVME_SCT_MEDIA_ERROR, SPDK_NVME_SC_GUARD_CHECK_ERROR, 0);
	CHECK(spdk_nvme_cpl_is_pi_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_MEDIA_ERROR, SPDK_NVME_SC_APPLICATION_TAG_CHECK_ERROR, 0);
	CHECK(spdk_nvme_cpl_is_pi_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_MEDIA_ERROR, SPDK_NVME_SC_REFERENCE_TAG_CHECK_ERROR, 0);
	CHECK(spdk_nvme_cpl_is_pi_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_MEDIA_ERROR, SPDK_NVME_SC_COMPARE_FAILURE, 0);
	CHECK(!spdk_nvme_cpl_is_pi_error(&cpl));
	/* The same code under another type is not a PI error. */
	cpl = cpl_with(SPDK_NVME_SCT_GENERIC, SPDK_NVME_SC_GUARD_CHECK_ERROR, 0);
	CHECK(!spdk_nvme_cpl_is_pi_error(&cpl));

	cpl = cpl_with(SPDK_NVME_SCT_PATH, SPDK_NVME_SC_INTERNAL_PATH_ERROR, 0);
	CHECK(spdk_nvme_cpl_is_path_error(&cpl) && !spdk_nvme_cpl_is_ana_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_PATH, SPDK_NVME_SC_ASYMMETRIC_ACCESS_INACCESSIBLE, 0);
	CHECK(spdk_nvme_cpl_is_path_error(&cpl) && spdk_nvme_cpl_is_ana_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_PATH, SPDK_NVME_SC_ASYMMETRIC_ACCESS_TRANSITION, 0);
	CHECK(spdk_nvme_cpl_is_ana_error(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_COMMAND_SPECIFIC, SPDK_NVME_SC_ASYMMETRIC_ACCESS_TRANSITION, 0);
	CHECK(!spdk_nvme_cpl_is_ana_error(&cpl) && !spdk_nvme_cpl_is_path_error(&cpl));

	cpl = cpl_with(SPDK_NVME_SCT_GENERIC, SPDK_NVME_SC_ABORTED_SQ_DELETION, 0);
	CHECK(spdk_nvme_cpl_is_aborted_sq_deletion(&cpl));
	CHECK(!spdk_nvme_cpl_is_aborted_by_request(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_GENERIC, SPDK_NVME_SC_ABORTED_BY_REQUEST, 0);
	CHECK(spdk_nvme_cpl_is_aborted_by_request(&cpl));
	CHECK(!spdk_nvme_cpl_is_aborted_sq_deletion(&cpl));
	cpl = cpl_with(SPDK_NVME_SCT_COMMAND_SPECIFIC, SPDK_NVME_SC_ABORTED_BY_REQUEST, 0);
	CHECK(!spdk_nvme_cpl_is_aborted_by_request(&cpl));

	/* Through the bitfields: do not retry and more set. */
	memset(&cpl, 0, sizeof(cpl));
	cpl.status.sct = SPDK_NVME_SCT_VENDOR_SPECIFIC;
	cpl.status.sc = 0xff;
	cpl.status.dnr = 1;
	cpl.status.m = 1;
	CHECK(cpl.status_raw == 0xcffe);
	CHECK(spdk_nvme_cpl_is_error(&cpl));
}

static void
test_inline_helpers(void)
{
	CHECK(spdk_nvme_opc_get_data_transfer(SPDK_NVME_OPC_FLUSH) == SPDK_NVME_DATA_NONE);
	CHECK(spdk_nvme_opc_get_data_transfer(SPDK_NVME_OPC_WRITE) ==
	      SPDK_NVME_DATA_HOST_TO_CONTROLLER);
	CHECK(spdk_nvme_opc_get_data_transfer(SPDK_NVME_OPC_READ) ==
	      SPDK_NVME_DATA_CONTROLLER_TO_HOST);
	CHECK(spdk_nvme_opc_get_data_transfer(SPDK_NVME_OPC_IDENTIFY) ==
	      SPDK_NVME_DATA_CONTROLLER_TO_HOST);
	CHECK(spdk_nvme_opc_get_data_transfer(SPDK_NVME_OPC_SET_FEATURES) ==
	      SPDK_NVME_DATA_HOST_TO_CONTROLLER);
	CHECK(spdk_nvme_opc_get_data_transfer(0x7f) == SPDK_NVME_DATA_BIDIRECTIONAL);
	CHECK(spdk_nvme_bytes_to_numd(4096) == 1023);
	CHECK(spdk_nvme_bytes_to_numd(4) == 0);
	CHECK(spdk_nvme_bytes_to_numd(0) == UINT32_MAX);
	CHECK(SPDK_NVME_VERSION(1, 3, 0) == 0x00010300);
	CHECK(spdk_nvme_log_page_is_vendor_specific(0xc0));
	CHECK(!spdk_nvme_log_page_is_vendor_specific(SPDK_NVME_LOG_SANITIZE_STATUS));
	CHECK(SPDK_NVME_CAP_CSS_NVM == 0x01 && SPDK_NVME_CAP_CSS_IOCS == 0x40 &&
	      SPDK_NVME_CAP_CSS_NOIO == 0x80);
	CHECK(sizeof(SPDK_NVME_GLOBAL_NS_TAG) == 4 && SPDK_NVME_GLOBAL_NS_TAG == 0xffffffffu);
	CHECK(SPDK_NVME_IO_FLAGS_LIMITED_RETRY == 0x80000000u);
	CHECK((SPDK_NVME_IO_FLAGS_PRCHK_REFTAG | SPDK_NVME_IO_FLAGS_PRCHK_APPTAG |
	       SPDK_NVME_IO_FLAGS_PRCHK_GUARD) == SPDK_NVME_IO_FLAGS_PRCHK_MASK);
	CHECK(SPDK_NVME_IO_FLAGS_STREAMS_DIRECTIVE == 0x100000);
	CHECK(SPDK_NVME_TCP_TERM_REQ_PDU_MAX_SIZE == 152);
	CHECK(SPDK_NVME_TCP_PDU_PDO_MAX_OFFSET == 128);
	CHECK(SPDK_NVME_TCP_TERM_REQ_FES_R2T_LIMIT_EXCEEDED ==
	      SPDK_NVME_TCP_TERM_REQ_FES_DATA_TRANSFER_LIMIT_EXCEEDED);
	CHECK(strlen(SPDK_NVMF_DISCOVERY_NQN) <= SPDK_NVMF_NQN_MAX_LEN);
}

/* A command built through the named members has the wire bytes. */
static void
test_command_bytes(void)
{
	struct spdk_nvme_cmd cmd;
	const uint8_t *b = (const uint8_t *)&cmd;
	union spdk_nvme_cc_register cc;

	memset(&cmd, 0, sizeof(cmd));
	cmd.opc = SPDK_NVME_OPC_GET_LOG_PAGE;
	cmd.fuse = SPDK_NVME_CMD_FUSE_SECOND;
	cmd.psdt = SPDK_NVME_PSDT_SGL_MPTR_CONTIG;
	cmd.cid = 0x1234;
	cmd.nsid = SPDK_NVME_GLOBAL_NS_TAG;
	cmd.cdw10_bits.get_log_page.lid = SPDK_NVME_LOG_HEALTH_INFORMATION;
	cmd.cdw10_bits.get_log_page.numdl = spdk_nvme_bytes_to_numd(512);
	cmd.dptr.sgl1.unkeyed.length = 512;
	cmd.dptr.sgl1.unkeyed.type = SPDK_NVME_SGL_TYPE_DATA_BLOCK;
	cmd.dptr.sgl1.unkeyed.subtype = SPDK_NVME_SGL_SUBTYPE_OFFSET;
	CHECK(b[0] == 0x02 && b[1] == 0x42 && b[2] == 0x34 && b[3] == 0x12);
	CHECK(b[4] == 0xff && b[7] == 0xff);
	CHECK(cmd.cdw10 == (127u << 16 | 0x02));
	CHECK(b[32] == 0x00 && b[33] == 0x02 && b[39] == 0x01);
	CHECK(cmd.dptr.sgl1.generic.subtype == SPDK_NVME_SGL_SUBTYPE_OFFSET);

	cmd.dptr.sgl1.keyed.type = SPDK_NVME_SGL_TYPE_KEYED_DATA_BLOCK;
	cmd.dptr.sgl1.keyed.key = 0xabcdef01;
	CHECK(b[39] == 0x41 && b[35] == 0x01 && b[38] == 0xab);

	cc.raw = 0;
	cc.bits.en = 1;
	cc.bits.iosqes = 6;
	cc.bits.iocqes = 4;
	CHECK(cc.raw == 0x00460001);
}

int
main(void)
{
	test_ctrlr_data_offsets();
	test_ns_data_offsets();
	test_cmd_cpl_offsets();
	test_cpl_helpers();
	test_inline_helpers();
	test_command_bytes();
	return harness_done("nvme_spec_test");
}
