from kuaiban.cli import main

main()
