struct spdk_json_write_ctx;
