"""A thin web page over pipeline.api: search, comparison by region, and plots of the extracted facts."""
