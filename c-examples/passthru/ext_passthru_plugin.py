# An spdk-rpc plugin for the ext_passthru module (c-examples/passthru):
#   PYTHONPATH=c-examples/passthru spdk-rpc -s SOCK --plugin ext_passthru_plugin \
#       construct_ext_passthru_bdev -b Malloc0 -p pt0
import json


def _print(result):
    print(json.dumps(result, indent=2))


def construct_ext_passthru_bdev(args):
    _print(args.client.call('construct_ext_passthru_bdev',
                            {'base_bdev_name': args.base_bdev_name, 'name': args.name}))


def delete_ext_passthru_bdev(args):
    _print(args.client.call('delete_ext_passthru_bdev', {'name': args.name}))


def spdk_rpc_plugin_initialize(subparsers):
    p = subparsers.add_parser('construct_ext_passthru_bdev',
                              help='Create an ext_passthru bdev on a base bdev')
    p.add_argument('-b', '--base-bdev-name', required=True, help='the base bdev')
    p.add_argument('-p', '--name', required=True, help='the new bdev')
    p.set_defaults(func=construct_ext_passthru_bdev)

    p = subparsers.add_parser('delete_ext_passthru_bdev', help='Delete an ext_passthru bdev')
    p.add_argument('name', help='the ext_passthru bdev')
    p.set_defaults(func=delete_ext_passthru_bdev)
