/*
 * Registration from C: a constructor in the user's program adds the
 * subsystem (a `struct spdk_subsystem` variable named _name) or the
 * dependency before main() runs.
 */
#define SPDK_SUBSYSTEM_REGISTER(_name) \
	__attribute__((constructor)) static void _name ## _register(void) \
	{ \
		spdk_add_subsystem(&_name); \
	}

#define SPDK_SUBSYSTEM_DEPEND(_name, _depends_on) \
	static struct spdk_subsystem_depend __subsystem_ ## _name ## _depend_on ## _depends_on = { \
		.name = #_name, \
		.depends_on = #_depends_on, \
	}; \
	__attribute__((constructor)) static void _name ## _depend_on ## _depends_on(void) \
	{ \
		spdk_add_subsystem_depend(&__subsystem_ ## _name ## _depend_on ## _depends_on); \
	}
