"""One module per `takedown` command: HELP, add_arguments(parser), run(args) -> exit status."""
