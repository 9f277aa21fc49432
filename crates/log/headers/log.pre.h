#define SPDK_X 1
