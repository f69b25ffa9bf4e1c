process.stdout.write('claude-cache: not implemented yet\n');
