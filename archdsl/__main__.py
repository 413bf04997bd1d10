from archdsl.cli import main

main()
