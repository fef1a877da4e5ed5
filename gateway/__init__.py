"""Edge pieces that are not Envoy itself: the Envoy config generator (`gateway.envoy_config`)."""
