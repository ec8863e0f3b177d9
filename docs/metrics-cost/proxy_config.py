"""The config both cost scripts measure: proxflow proxying 127.0.0.1:PORT to one nginx, metrics on or off."""


def proxy_config(port, backend, mode):
    config = {"admin": {"disabled": True}, "apps": {"http": {"servers": {"srv0": {
        "listen": [f"127.0.0.1:{port}"],
        "routes": [{"handle": [{"handler": "reverse_proxy", "upstreams": [{"dial": f"127.0.0.1:{backend}"}]}]}]}}}}}
    if mode == "off":
        config["apps"]["traffic_metrics"] = {"disabled": True}
    return config
