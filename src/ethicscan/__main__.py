from ethicscan.cli import main

if __name__ == "__main__":  # dask's worker processes import this module: do not run there
    raise SystemExit(main())
