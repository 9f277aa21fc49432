/* Matches any value type in spdk_json_find(). */
#define SPDK_JSON_VAL_ANY SPDK_JSON_VAL_INVALID
