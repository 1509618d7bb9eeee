"""The app's pages (tabs): Explore one market, Compare two settings, Decide between options."""
