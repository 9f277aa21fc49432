/** \file
 * NVMe over Fabrics definitions from the specification: for now the
 * transport types, address families and the length limits of transport IDs.
 */

/** Prefix of an NQN built from a UUID; the UUID follows it. */
#define SPDK_NVMF_NQN_UUID_PRE "nqn.2014-08.org.nvmexpress:uuid:"

/** The well-known NQN of a discovery controller. */
#define SPDK_NVMF_DISCOVERY_NQN "nqn.2014-08.org.nvmexpress.discovery"
