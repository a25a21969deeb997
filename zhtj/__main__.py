from zhtj.cli import app

app()
