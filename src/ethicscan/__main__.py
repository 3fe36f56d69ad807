from ethicscan.cli import main

raise SystemExit(main())
