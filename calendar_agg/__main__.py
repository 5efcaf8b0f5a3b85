from calendar_agg.cli import command

command()
