/* spdk/nvme.h transport IDs as SPDK's tools use them: parsing (every key,
 * either separator, any key case), comparing, populating, the transport and
 * address family names, the host ID parser, and bad input (NULL, malformed
 * pairs, overlong values, bad adrfam). Plus the spdk_internal/nvme_util.h
 * helpers, declared here as in-tree code sees them (that header is not
 * installed, as in SPDK). */
#include "spdk/stdinc.h"
#include "spdk/nvme.h"

enum spdk_nvme_trid_usage_opt {
	SPDK_NVME_TRID_USAGE_OPT_MANDATORY = 1 << 1,
	SPDK_NVME_TRID_USAGE_OPT_LONGOPT = 1 << 2,
	SPDK_NVME_TRID_USAGE_OPT_NO_PCIE = 1 << 3,
	SPDK_NVME_TRID_USAGE_OPT_NO_FABRIC = 1 << 4,
	SPDK_NVME_TRID_USAGE_OPT_MULTI = 1 << 5,
	SPDK_NVME_TRID_USAGE_OPT_NS = 1 << 6,
	SPDK_NVME_TRID_USAGE_OPT_HOSTNQN = 1 << 7,
	SPDK_NVME_TRID_USAGE_OPT_ALT_TRADDR = 1 << 8,
};
struct spdk_nvme_trid_entry {
	struct spdk_nvme_transport_id trid;
	uint16_t nsid;
	char hostnqn[SPDK_NVMF_NQN_MAX_LEN + 1];
	struct spdk_nvme_transport_id failover_trid;
};
void spdk_nvme_transport_id_usage(FILE *f, uint32_t opts);
int spdk_nvme_trid_entry_parse(struct spdk_nvme_trid_entry *trid_entry, const char *str);

#include "harness.h"

static void
test_layout(void)
{
	/* The offsets SPDK's layout gives (checked against SPDK's header). */
	CHECK(sizeof(struct spdk_nvme_transport_id) == 564);
	CHECK(offsetof(struct spdk_nvme_transport_id, trtype) == 36);
	CHECK(offsetof(struct spdk_nvme_transport_id, adrfam) == 40);
	CHECK(offsetof(struct spdk_nvme_transport_id, traddr) == 44);
	CHECK(offsetof(struct spdk_nvme_transport_id, trsvcid) == 301);
	CHECK(offsetof(struct spdk_nvme_transport_id, subnqn) == 334);
	CHECK(offsetof(struct spdk_nvme_transport_id, priority) == 560);
	CHECK(sizeof(struct spdk_nvme_host_id) == 290);
	CHECK(sizeof(((struct spdk_nvme_transport_id *)0)->trstring) == SPDK_NVMF_TRSTRING_MAX_LEN + 1);
	CHECK(sizeof(((struct spdk_nvme_transport_id *)0)->traddr) == SPDK_NVMF_TRADDR_MAX_LEN + 1);
	CHECK(sizeof(((struct spdk_nvme_transport_id *)0)->trsvcid) == SPDK_NVMF_TRSVCID_MAX_LEN + 1);
	CHECK(sizeof(((struct spdk_nvme_transport_id *)0)->subnqn) == SPDK_NVMF_NQN_MAX_LEN + 1);
	CHECK(SPDK_NVME_TRANSPORT_TCP == (int)SPDK_NVMF_TRTYPE_TCP);
	CHECK(spdk_nvme_trtype_is_fabrics(SPDK_NVME_TRANSPORT_TCP));
	CHECK(!spdk_nvme_trtype_is_fabrics(SPDK_NVME_TRANSPORT_PCIE));
	CHECK(strcmp(SPDK_NVMF_DISCOVERY_NQN, "nqn.2014-08.org.nvmexpress.discovery") == 0);
}

static void
test_parse(void)
{
	struct spdk_nvme_transport_id trid;

	memset(&trid, 0, sizeof(trid));
	CHECK(spdk_nvme_transport_id_parse(&trid, "trtype:tcp adrfam:IPv4 traddr:192.168.100.8 "
					   "trsvcid:4420 subnqn:nqn.2016-06.io.spdk:cnode1 priority:2") == 0);
	CHECK(trid.trtype == SPDK_NVME_TRANSPORT_TCP);
	CHECK(strcmp(trid.trstring, SPDK_NVME_TRANSPORT_NAME_TCP) == 0);
	CHECK(trid.adrfam == SPDK_NVMF_ADRFAM_IPV4);
	CHECK(strcmp(trid.traddr, "192.168.100.8") == 0);
	CHECK(strcmp(trid.trsvcid, "4420") == 0);
	CHECK(strcmp(trid.subnqn, "nqn.2016-06.io.spdk:cnode1") == 0);
	CHECK(trid.priority == 2);

	/* Key case, '=' separator, tabs; fields not named stay as they were. */
	CHECK(spdk_nvme_transport_id_parse(&trid, "TRTYPE=PCIe\tTrAddr=0000:04:00.0") == 0);
	CHECK(trid.trtype == SPDK_NVME_TRANSPORT_PCIE);
	CHECK(strcmp(trid.trstring, "PCIE") == 0);
	CHECK(strcmp(trid.traddr, "0000:04:00.0") == 0);
	CHECK(strcmp(trid.trsvcid, "4420") == 0);

	/* Keys of other parsers are skipped; unknown keys are logged and
	 * skipped (SPDK does not fail on them). */
	memset(&trid, 0, sizeof(trid));
	CHECK(spdk_nvme_transport_id_parse(&trid, "ns:1 hostnqn:nqn.x alt_traddr:1.1.1.1 "
					   "hostaddr:2.2.2.2 hostsvcid:9 nosuchkey:1") == 0);
	CHECK(trid.trtype == 0 && trid.traddr[0] == '\0');

	/* An unknown transport name is a custom transport. */
	CHECK(spdk_nvme_transport_id_parse(&trid, "trtype:myfabric") == 0);
	CHECK(trid.trtype == SPDK_NVME_TRANSPORT_CUSTOM);
	CHECK(strcmp(trid.trstring, "MYFABRIC") == 0);

	/* Empty input changes nothing. */
	CHECK(spdk_nvme_transport_id_parse(&trid, "") == 0);
}

static void
test_parse_bad(void)
{
	struct spdk_nvme_transport_id trid;
	char buf[1200];

	memset(&trid, 0, sizeof(trid));
	CHECK(spdk_nvme_transport_id_parse(NULL, "trtype:tcp") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, NULL) == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, "trtype") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, "trtype:") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, "trtype:tcp ") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, "adrfam:IPv5") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse(&trid, "priority:12345") == -EINVAL);

	snprintf(buf, sizeof(buf), "traddr:%0257d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
	snprintf(buf, sizeof(buf), "traddr:%0256d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == 0);
	CHECK(strlen(trid.traddr) == SPDK_NVMF_TRADDR_MAX_LEN);
	snprintf(buf, sizeof(buf), "trsvcid:%033d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
	snprintf(buf, sizeof(buf), "subnqn:%0224d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
	snprintf(buf, sizeof(buf), "trtype:%033d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
	snprintf(buf, sizeof(buf), "%032d:1", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
	snprintf(buf, sizeof(buf), "traddr:%01024d", 0);
	CHECK(spdk_nvme_transport_id_parse(&trid, buf) == -EINVAL);
}

static void
test_names(void)
{
	enum spdk_nvme_transport_type t;
	enum spdk_nvmf_adrfam a;
	struct spdk_nvme_transport_id trid;
	char longname[40];

	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "pcie") == 0 && t == SPDK_NVME_TRANSPORT_PCIE);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "RDMA") == 0 && t == SPDK_NVME_TRANSPORT_RDMA);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "fc") == 0 && t == SPDK_NVME_TRANSPORT_FC);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "Tcp") == 0 && t == SPDK_NVME_TRANSPORT_TCP);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "vfiouser") == 0 &&
	      t == SPDK_NVME_TRANSPORT_VFIOUSER);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, "other") == 0 && t == SPDK_NVME_TRANSPORT_CUSTOM);
	CHECK(spdk_nvme_transport_id_parse_trtype(NULL, "tcp") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse_trtype(&t, NULL) == -EINVAL);

	CHECK(strcmp(spdk_nvme_transport_id_trtype_str(SPDK_NVME_TRANSPORT_PCIE), "PCIe") == 0);
	CHECK(strcmp(spdk_nvme_transport_id_trtype_str(SPDK_NVME_TRANSPORT_TCP), "TCP") == 0);
	CHECK(strcmp(spdk_nvme_transport_id_trtype_str(SPDK_NVME_TRANSPORT_CUSTOM), "CUSTOM") == 0);
	CHECK(spdk_nvme_transport_id_trtype_str((enum spdk_nvme_transport_type)12345) == NULL);

	CHECK(spdk_nvme_transport_id_parse_adrfam(&a, "ipv6") == 0 && a == SPDK_NVMF_ADRFAM_IPV6);
	CHECK(spdk_nvme_transport_id_parse_adrfam(&a, "IB") == 0 && a == SPDK_NVMF_ADRFAM_IB);
	CHECK(spdk_nvme_transport_id_parse_adrfam(&a, "Fc") == 0 && a == SPDK_NVMF_ADRFAM_FC);
	CHECK(spdk_nvme_transport_id_parse_adrfam(&a, "ipx") == -ENOENT);
	CHECK(spdk_nvme_transport_id_parse_adrfam(NULL, "ipv4") == -EINVAL);
	CHECK(spdk_nvme_transport_id_parse_adrfam(&a, NULL) == -EINVAL);
	CHECK(strcmp(spdk_nvme_transport_id_adrfam_str(SPDK_NVMF_ADRFAM_IPV4), "IPv4") == 0);
	CHECK(spdk_nvme_transport_id_adrfam_str((enum spdk_nvmf_adrfam)0) == NULL);

	memset(&trid, 0, sizeof(trid));
	CHECK(spdk_nvme_transport_id_populate_trstring(&trid, "rdma") == 0);
	CHECK(strcmp(trid.trstring, "RDMA") == 0 && trid.trtype == 0);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(spdk_nvme_transport_id_populate_trstring(&trid, longname) == -EINVAL);
	CHECK(spdk_nvme_transport_id_populate_trstring(NULL, "tcp") == -EINVAL);
	CHECK(spdk_nvme_transport_id_populate_trstring(&trid, NULL) == -EINVAL);

	memset(&trid, 0, sizeof(trid));
	spdk_nvme_trid_populate_transport(&trid, SPDK_NVME_TRANSPORT_TCP);
	CHECK(trid.trtype == SPDK_NVME_TRANSPORT_TCP && strcmp(trid.trstring, "TCP") == 0);
	spdk_nvme_trid_populate_transport(&trid, SPDK_NVME_TRANSPORT_PCIE);
	CHECK(trid.trtype == SPDK_NVME_TRANSPORT_PCIE && strcmp(trid.trstring, "PCIE") == 0);
	spdk_nvme_trid_populate_transport(NULL, SPDK_NVME_TRANSPORT_TCP);
}

static void
test_compare(void)
{
	struct spdk_nvme_transport_id a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(spdk_nvme_transport_id_parse(&a, "trtype:PCIe traddr:0000:04:00.0") == 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "trtype:pcie traddr:04:00.0") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) == 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "traddr:0000:05:00.0") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) < 0);
	CHECK(spdk_nvme_transport_id_compare(&b, &a) > 0);

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	CHECK(spdk_nvme_transport_id_parse(&a, "trtype:tcp adrfam:ipv4 traddr:Host trsvcid:4420 subnqn:nqn.a") == 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "trtype:TCP adrfam:IPv4 traddr:host trsvcid:4420 subnqn:nqn.a") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) == 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "subnqn:nqn.A") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) != 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "subnqn:nqn.a trsvcid:4421") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) < 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "trsvcid:4420 adrfam:ipv6") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) < 0);
	CHECK(spdk_nvme_transport_id_parse(&b, "trtype:rdma adrfam:ipv4") == 0);
	CHECK(spdk_nvme_transport_id_compare(&a, &b) > 0);
}

static void
test_host_id(void)
{
	struct spdk_nvme_host_id h;
	char buf[300];

	memset(&h, 0, sizeof(h));
	CHECK(spdk_nvme_host_id_parse(&h, "trtype:tcp traddr:1.2.3.4 hostaddr:10.0.0.1 HostSvcId:5000") == 0);
	CHECK(strcmp(h.hostaddr, "10.0.0.1") == 0);
	CHECK(strcmp(h.hostsvcid, "5000") == 0);
	CHECK(spdk_nvme_host_id_parse(NULL, "hostaddr:1") == -EINVAL);
	CHECK(spdk_nvme_host_id_parse(&h, NULL) == -EINVAL);
	CHECK(spdk_nvme_host_id_parse(&h, "hostaddr") == -EINVAL);
	snprintf(buf, sizeof(buf), "hostaddr:%0257d", 0);
	CHECK(spdk_nvme_host_id_parse(&h, buf) == -EINVAL);
}

static void
test_nvme_util(void)
{
	struct spdk_nvme_trid_entry e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&e, 0, sizeof(e));
	CHECK(spdk_nvme_trid_entry_parse(&e, "trtype:TCP adrfam:IPv4 traddr:10.0.0.1 trsvcid:4420 "
					 "ns:3 hostnqn:nqn.2014-08.org.example:host alt_traddr:10.0.0.2") == 0);
	CHECK(e.trid.trtype == SPDK_NVME_TRANSPORT_TCP);
	CHECK(strcmp(e.trid.subnqn, SPDK_NVMF_DISCOVERY_NQN) == 0);
	CHECK(e.nsid == 3);
	CHECK(strcmp(e.hostnqn, "nqn.2014-08.org.example:host") == 0);
	CHECK(strcmp(e.failover_trid.traddr, "10.0.0.2") == 0);
	CHECK(strcmp(e.failover_trid.trsvcid, "4420") == 0);

	memset(&e, 0, sizeof(e));
	CHECK(spdk_nvme_trid_entry_parse(&e, "traddr:0000:81:00.0") == 0);
	CHECK(e.trid.trtype == SPDK_NVME_TRANSPORT_PCIE && e.nsid == 0);
	CHECK(spdk_nvme_trid_entry_parse(&e, "traddr:0000:81:00.0 ns:0") == -EINVAL);
	CHECK(spdk_nvme_trid_entry_parse(&e, "traddr:0000:81:00.0 ns:70000") == -EINVAL);
	CHECK(spdk_nvme_trid_entry_parse(&e, "bad") == -EINVAL);
	CHECK(spdk_nvme_trid_entry_parse(NULL, "traddr:1") == -EINVAL);
	CHECK(spdk_nvme_trid_entry_parse(&e, NULL) == -EINVAL);

	f = open_memstream(&text, &len);
	CHECK(f != NULL);
	if (f != NULL) {
		spdk_nvme_transport_id_usage(f, SPDK_NVME_TRID_USAGE_OPT_NS | SPDK_NVME_TRID_USAGE_OPT_MULTI |
					     SPDK_NVME_TRID_USAGE_OPT_HOSTNQN);
		fclose(f);
		CHECK(text != NULL && strstr(text, "trsvcid") != NULL && strstr(text, "hostnqn") != NULL);
		free(text);
	}
	spdk_nvme_transport_id_usage(NULL, 0);
}

int
main(void)
{
	test_layout();
	test_parse();
	test_parse_bad();
	test_names();
	test_compare();
	test_host_id();
	test_nvme_util();
	return harness_done("nvme_trid");
}
