from calendar_agg.cli import main

raise SystemExit(main())
