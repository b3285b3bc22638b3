"""`python -m gate` runs the aigate command line."""

from gate._entry import main

if __name__ == "__main__":
    main()
