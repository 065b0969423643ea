import ArgumentParser
import Foundation
import HealthCal

/// Documented exit codes (also in `healthcal --help`).
enum Exit {
    static let invalidInput: Int32 = 2
    static let cannotFit: Int32 = 3
    static let outputFailed: Int32 = 4
    /// The database could not be reached or refused (connection, permission, server gone).
    static let databaseFailed: Int32 = 5
    static let usage: Int32 = 64
    static let internalError: Int32 = 1
}

/// Runs a command body, turning the library's typed errors into a message on stderr and the
/// documented exit code, so no user error ends in a crash or a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as DataValidationError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as SpecError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as FitError {
        fail("the model cannot be fit: \(error.description)", code: Exit.cannotFit)
    } catch let error as BacktestError {
        fail("backtest: \(error)", code: Exit.invalidInput)
    } catch let error as PathSelectionError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as BacktestFailure {
        fail(error.description, code: Exit.cannotFit)
    } catch let error as FlagError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as WeightFileError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as BandError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as ExportError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as ScorecardError {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as EncodingProblem {
        fail(error.description, code: Exit.invalidInput)
    } catch let error as OutputFile.WriteError {
        fail(error.description, code: Exit.outputFailed)
    } catch let error as DatabaseError {
        fail(error.message, code: Exit.code(for: error))
    } catch let error as BootstrapError {
        // A count out of bounds is a usage error; an unreadable or wrong resample file is bad input.
        switch error {
        case .count, .refits: fail(error.description, code: 64)
        default: fail(error.description, code: Exit.invalidInput)
        }
    } catch let error as CLIError {
        fail(error.description, code: error.code)
    } catch {
        fail("\(error)", code: Exit.internalError)
    }
}

extension Exit {
    /// What is wrong with the input (the table, its columns and types) is invalid input, as
    /// for a file; a URL that does not parse is usage; a table `load` would replace is an
    /// output refused; what the server or the network did is its own code.
    static func code(for error: DatabaseError) -> Int32 {
        switch error.kind {
        case .invalidURL: return usage
        case .missingTable, .missingColumn, .columnType, .readOnly: return invalidInput
        case .tableExists: return outputFailed
        case .connection, .permission, .serverGone, .query: return databaseFailed
        }
    }
}

/// A usage-level problem the parser cannot see (e.g. two options that exclude each other).
struct CLIError: Error, CustomStringConvertible {
    var description: String
    var code: Int32 = Exit.invalidInput
}

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
    exit(code)
}

/// Prints to standard output.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

/// Progress and notes go to standard error, and only when it is a terminal (or forced).
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
