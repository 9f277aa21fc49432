/** \file
 * NVMe Zoned Namespace command set (ZNS): the zoned data of namespaces
 * and controllers, Zone Append, and zone management (open, close,
 * finish, reset, offline, descriptor extensions, zone reports).
 */
