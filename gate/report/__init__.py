"""Report formats: each a pure function of a Decision and the Inventory it judged."""
