
typedef enum spdk_bdev_io_status spdk_bdev_io_status_t;

/**
 * Adds a bdev module, defined in C, to the module list when the program
 * (or library) loads.
 */
#define SPDK_BDEV_MODULE_REGISTER(name, module) \
	static void __attribute__((constructor)) _spdk_bdev_module_register_##name(void) \
	{ \
		spdk_bdev_module_list_add(module); \
	}
