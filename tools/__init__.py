"""Development tools, run through `./dev` from a checkout; not part of the installed package."""
