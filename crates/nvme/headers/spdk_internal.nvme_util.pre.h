/** \file
 * Helpers of SPDK's NVMe tools: the transport ID help text and a parser
 * for transport IDs with the tools' extra keys (ns, hostnqn, alt_traddr).
 * Not installed, as in SPDK; build from the source tree to use it.
 */
