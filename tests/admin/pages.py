def list_filter(response, parameter_name):
    """The changelist's filter that reads `parameter_name` from the query string."""
    (spec,) = [s for s in response.context["cl"].filter_specs if getattr(s, "parameter_name", None) == parameter_name]
    return spec
