/* env.h's PCI API on a machine without a VFIO device: drivers
 * (SPDK_PCI_DRIVER_REGISTER, the built-in nvme driver), bad arguments,
 * enumeration finding nothing usable, and the errors that say why a device
 * cannot be attached (no such device, not one of the driver's, bound to
 * another driver, no /dev/vfio, not root), using a fake sysfs tree
 * (SPDK_RS_PCI_SYSFS / SPDK_RS_VFIO_DIR). The getters and the config space
 * helpers work on any struct spdk_pci_device, as SPDK's do. */
#define _GNU_SOURCE
#include "spdk/stdinc.h"
#include "spdk/env.h"
#include "harness.h"

static struct spdk_pci_id g_test_ids[] = {
	{ SPDK_PCI_DEVICE(0x1b36, 0x0010) },
	{ .vendor_id = 0 },
};

SPDK_PCI_DRIVER_REGISTER(capi_test_drv, g_test_ids, SPDK_PCI_DRIVER_NEED_MAPPING);

static int g_offered;

static int
take_cb(void *ctx, struct spdk_pci_device *dev)
{
	g_offered++;
	return 0;
}

static void
count_dev(void *ctx, struct spdk_pci_device *dev)
{
	(*(int *)ctx)++;
}

static uint8_t g_cfg[4096];

static int
fake_cfg_read(struct spdk_pci_device *dev, void *value, uint32_t len, uint32_t offset)
{
	if (offset + len > sizeof(g_cfg)) {
		return -EINVAL;
	}
	memcpy(value, g_cfg + offset, len);
	return 0;
}

static int
fake_cfg_write(struct spdk_pci_device *dev, void *value, uint32_t len, uint32_t offset)
{
	if (offset + len > sizeof(g_cfg)) {
		return -EINVAL;
	}
	memcpy(g_cfg + offset, value, len);
	return 0;
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* A device directory as sysfs has it: ids, class, a driver link and an
 * IOMMU group link. */
static void
fake_device(const char *root, const char *bdf, const char *class_id, const char *driver)
{
	char dev[256], link[512], target[512];

	snprintf(dev, sizeof(dev), "%s/%s", root, bdf);
	mkdir(dev, 0755);
	put(dev, "class", class_id);
	put(dev, "vendor", "0x1b36\n");
	put(dev, "device", "0x0010\n");
	put(dev, "subsystem_vendor", "0x1af4\n");
	put(dev, "subsystem_device", "0x1100\n");
	put(dev, "numa_node", "-1\n");
	if (driver != NULL) {
		snprintf(target, sizeof(target), "%s/drivers/%s", root, driver);
		snprintf(link, sizeof(link), "%s/driver", dev);
		CHECK(symlink(target, link) == 0);
	}
	snprintf(target, sizeof(target), "%s/groups/3", root);
	snprintf(link, sizeof(link), "%s/iommu_group", dev);
	CHECK(symlink(target, link) == 0);
}

static void
test_drivers_and_bad_args(void)
{
	struct spdk_pci_driver *nvme = spdk_pci_nvme_get_driver();
	struct spdk_pci_addr addr;
	uint64_t phys, size;
	void *bar;
	uint32_t v32;
	char sn[32];
	int n = 0;

	CHECK(nvme != NULL);
	CHECK(spdk_pci_get_driver("nvme") == nvme);
	CHECK(spdk_pci_get_driver("capi_test_drv") != NULL);
	CHECK(spdk_pci_get_driver("capi_test_drv") != nvme);
	CHECK(spdk_pci_get_driver("no_such_driver") == NULL);
	CHECK(spdk_pci_get_driver(NULL) == NULL);
	spdk_pci_driver_register(NULL, g_test_ids, 0);
	spdk_pci_driver_register("null_table", NULL, 0);
	CHECK(spdk_pci_get_driver("null_table") == NULL);

	CHECK(spdk_pci_enumerate(NULL, take_cb, NULL) == -1);
	CHECK(spdk_pci_enumerate(nvme, NULL, NULL) == -1);
	CHECK(spdk_pci_enumerate((struct spdk_pci_driver *)&n, take_cb, NULL) == -1);
	CHECK(spdk_pci_addr_parse(&addr, "0000:ff:1f.7") == 0);
	CHECK(spdk_pci_device_attach(NULL, take_cb, NULL, &addr) == -EINVAL);
	CHECK(spdk_pci_device_attach(nvme, NULL, NULL, &addr) == -EINVAL);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, NULL) == -EINVAL);

	CHECK(spdk_pci_device_map_bar(NULL, 0, &bar, &phys, &size) == -EINVAL);
	CHECK(spdk_pci_device_unmap_bar(NULL, 0, NULL) == -EINVAL);
	CHECK(spdk_pci_device_cfg_read(NULL, &v32, 4, 0) == -EINVAL);
	CHECK(spdk_pci_device_cfg_write(NULL, &v32, 4, 0) == -EINVAL);
	CHECK(spdk_pci_device_cfg_read32(NULL, &v32, 0) == -EINVAL);
	CHECK(spdk_pci_device_cfg_write16(NULL, 1, 0) == -EINVAL);
	CHECK(spdk_pci_device_claim(NULL) == -EINVAL);
	spdk_pci_device_unclaim(NULL);
	spdk_pci_device_detach(NULL);
	CHECK(!spdk_pci_device_is_removed(NULL));
	CHECK(spdk_pci_device_get_serial_number(NULL, sn, sizeof(sn)) == -1);
	CHECK(spdk_pci_device_get_vendor_id(NULL) == 0);
	CHECK(spdk_pci_device_get_numa_id(NULL) == -1);
	CHECK(spdk_pci_device_get_type(NULL) == NULL);
	spdk_pci_for_each_device(&n, NULL);
	spdk_pci_for_each_device(&n, count_dev);
	CHECK(n == 0);
}

static void
test_any_device_struct(void)
{
	/* A device built by its owner (as SPDK's VMD or vfio-user layers do):
	 * the getters read its fields and config space goes through its
	 * callbacks. */
	struct spdk_pci_device dev;
	struct spdk_pci_addr a;
	struct spdk_pci_id id;
	uint64_t phys, size;
	uint32_t v32 = 0;
	uint16_t v16 = 0;
	uint8_t v8 = 0;
	void *bar;
	char sn[17];

	memset(&dev, 0, sizeof(dev));
	CHECK(sizeof(struct spdk_pci_device) == 120);
	CHECK(offsetof(struct spdk_pci_device, id) == 24);
	CHECK(offsetof(struct spdk_pci_device, internal) == 80);
	dev.addr.domain = 1;
	dev.addr.bus = 2;
	dev.addr.dev = 3;
	dev.addr.func = 4;
	dev.id.class_id = SPDK_PCI_CLASS_NVME;
	dev.id.vendor_id = 0x8086;
	dev.id.device_id = 0x0953;
	dev.id.subvendor_id = 0x8086;
	dev.id.subdevice_id = 0x3702;
	dev.socket_id = 1;
	dev.type = "custom";
	dev.cfg_read = fake_cfg_read;
	dev.cfg_write = fake_cfg_write;

	a = spdk_pci_device_get_addr(&dev);
	CHECK(a.domain == 1 && a.bus == 2 && a.dev == 3 && a.func == 4);
	CHECK(spdk_pci_device_get_domain(&dev) == 1 && spdk_pci_device_get_bus(&dev) == 2);
	CHECK(spdk_pci_device_get_dev(&dev) == 3 && spdk_pci_device_get_func(&dev) == 4);
	id = spdk_pci_device_get_id(&dev);
	CHECK(id.class_id == SPDK_PCI_CLASS_NVME && id.device_id == 0x0953);
	CHECK(spdk_pci_device_get_vendor_id(&dev) == 0x8086);
	CHECK(spdk_pci_device_get_device_id(&dev) == 0x0953);
	CHECK(spdk_pci_device_get_subvendor_id(&dev) == 0x8086);
	CHECK(spdk_pci_device_get_subdevice_id(&dev) == 0x3702);
	CHECK(spdk_pci_device_get_numa_id(&dev) == 1);
	CHECK(strcmp(spdk_pci_device_get_type(&dev), "custom") == 0);

	CHECK(spdk_pci_device_cfg_write32(&dev, 0x12345678, 0x10) == 0);
	CHECK(spdk_pci_device_cfg_read32(&dev, &v32, 0x10) == 0 && v32 == 0x12345678);
	CHECK(spdk_pci_device_cfg_read16(&dev, &v16, 0x12) == 0 && v16 == 0x1234);
	CHECK(spdk_pci_device_cfg_write8(&dev, 0xab, 0x11) == 0);
	CHECK(spdk_pci_device_cfg_read8(&dev, &v8, 0x11) == 0 && v8 == 0xab);
	CHECK(spdk_pci_device_cfg_read32(&dev, &v32, 4094) == -EINVAL);
	CHECK(spdk_pci_device_cfg_read(&dev, NULL, 4, 0) == -EINVAL);

	/* The PCIe Device Serial Number capability, found by walking the
	 * extended capabilities from 0x100. */
	CHECK(spdk_pci_device_get_serial_number(&dev, sn, sizeof(sn)) == -1);
	v32 = 0x0001 | (1 << 16) | (0x140u << 20); /* AER, next at 0x140 */
	CHECK(spdk_pci_device_cfg_write32(&dev, v32, 0x100) == 0);
	v32 = 0x0003 | (1 << 16); /* serial number, last */
	CHECK(spdk_pci_device_cfg_write32(&dev, v32, 0x140) == 0);
	CHECK(spdk_pci_device_cfg_write32(&dev, 0x55667788, 0x144) == 0);
	CHECK(spdk_pci_device_cfg_write32(&dev, 0x11223344, 0x148) == 0);
	CHECK(spdk_pci_device_get_serial_number(&dev, sn, 16) == -1);
	CHECK(spdk_pci_device_get_serial_number(&dev, sn, sizeof(sn)) == 0);
	CHECK(strcmp(sn, "1122334455667788") == 0);

	/* No BAR callbacks: not supported. Not a device of the env layer:
	 * it cannot be claimed, and detaching it does nothing. */
	CHECK(spdk_pci_device_map_bar(&dev, 0, &bar, &phys, &size) == -ENOTSUP);
	CHECK(spdk_pci_device_claim(&dev) == -EINVAL);
	spdk_pci_device_detach(&dev);
	CHECK(!spdk_pci_device_is_removed(&dev));
}

static void
test_why_a_device_cannot_be_attached(void)
{
	struct spdk_pci_driver *nvme = spdk_pci_nvme_get_driver();
	struct spdk_pci_driver *test = spdk_pci_get_driver("capi_test_drv");
	struct spdk_pci_addr addr;
	char root[] = "/tmp/spdk_capi_pci_XXXXXX";
	char path[512];
	int rc, fd, n = 0;

	/* The real sysfs: nothing usable here (no VFIO device), and no
	 * device at this address. */
	g_offered = 0;
	CHECK(spdk_pci_enumerate(nvme, take_cb, NULL) == 0);
	CHECK(g_offered == 0);
	CHECK(spdk_pci_addr_parse(&addr, "0000:ff:1f.7") == 0);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, &addr) == -ENODEV);

	CHECK(mkdtemp(root) != NULL);
	snprintf(path, sizeof(path), "%s/drivers", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/groups", root);
	mkdir(path, 0755);
	fake_device(root, "0000:00:04.0", "0x010802\n", "nvme");
	fake_device(root, "0000:00:05.0", "0x010802\n", NULL);
	fake_device(root, "0000:00:06.0", "0x010802\n", "vfio-pci");
	fake_device(root, "0000:00:07.0", "0x020000\n", "vfio-pci");
	setenv("SPDK_RS_PCI_SYSFS", root, 1);
	snprintf(path, sizeof(path), "%s/no-vfio", root);
	setenv("SPDK_RS_VFIO_DIR", path, 1);

	/* Bound to the kernel's nvme driver, to no driver: not usable. */
	CHECK(spdk_pci_addr_parse(&addr, "0000:00:04.0") == 0);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, &addr) == -ENODEV);
	CHECK(spdk_pci_addr_parse(&addr, "0000:00:05.0") == 0);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, &addr) == -ENODEV);
	/* Not an NVMe device. */
	CHECK(spdk_pci_addr_parse(&addr, "0000:00:07.0") == 0);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, &addr) == -ENODEV);
	/* Bound to vfio-pci, but there is no /dev/vfio. */
	CHECK(spdk_pci_addr_parse(&addr, "0000:00:06.0") == 0);
	CHECK(spdk_pci_device_attach(nvme, take_cb, NULL, &addr) == -ENODEV);
	/* The test driver's id table (vendor/device) names all four; none
	 * can be opened. */
	CHECK(spdk_pci_enumerate(test, take_cb, NULL) == 0);
	CHECK(g_offered == 0);

	/* A VFIO container this user may not open: as root it opens but is
	 * no VFIO device (a plain file); as another user, permission is
	 * denied and root is named. */
	snprintf(path, sizeof(path), "%s/vfio", root);
	mkdir(path, 0755);
	setenv("SPDK_RS_VFIO_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/vfio/vfio", root);
	fd = open(path, O_CREAT | O_WRONLY, 0);
	CHECK(fd >= 0);
	close(fd);
	rc = spdk_pci_device_attach(nvme, take_cb, NULL, &addr);
	if (geteuid() == 0) {
		CHECK(rc == -ENOTSUP);
	} else {
		CHECK(rc == -EACCES);
	}
	CHECK(g_offered == 0);
	spdk_pci_for_each_device(&n, count_dev);
	CHECK(n == 0);

	unsetenv("SPDK_RS_PCI_SYSFS");
	unsetenv("SPDK_RS_VFIO_DIR");
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	CHECK(system(path) == 0);
}

int
main(void)
{
	test_drivers_and_bad_args();
	test_any_device_struct();
	test_why_a_device_cannot_be_attached();
	return harness_done("env_pci_test");
}
