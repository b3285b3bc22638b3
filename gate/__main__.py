"""`python -m gate` runs the aigate command line."""

from gate.cli import main

if __name__ == "__main__":
    main()
