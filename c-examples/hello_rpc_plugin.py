# An spdk-rpc plugin for c-examples/hello_rpc.c: the way SPDK's Python
# client learns an application's own methods.
#   PYTHONPATH=c-examples spdk-rpc -s SOCK --plugin hello_rpc_plugin hello_get_greeting
import json


def _print(result):
    print(json.dumps(result, indent=2))


def hello_set_greeting(args):
    params = {'greeting': args.greeting}
    if args.punctuation is not None:
        params['punctuation'] = args.punctuation
    _print(args.client.call('hello_set_greeting', params))


def hello_get_greeting(args):
    _print(args.client.call('hello_get_greeting'))


def spdk_rpc_plugin_initialize(subparsers):
    p = subparsers.add_parser('hello_set_greeting', help='Set the hello_rpc greeting')
    p.add_argument('greeting', help='the new greeting')
    p.add_argument('-p', '--punctuation', help='appended to the greeting')
    p.set_defaults(func=hello_set_greeting)

    p = subparsers.add_parser('hello_get_greeting', help='Show the hello_rpc greeting')
    p.set_defaults(func=hello_get_greeting)
