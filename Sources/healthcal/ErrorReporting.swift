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
    // The message and code are taken inside the catch and the process exits after it, once the
    // error is released: exiting with it still held reads as a leak to the leak checker.
    let failure: (message: String, code: Int32)
    do {
        try body()
        return
    } catch let error as ExitCode {
        throw error
    } catch let error as DataValidationError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as SpecError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as FitError {
        failure = ("the model cannot be fit: \(error.description)", Exit.cannotFit)
    } catch let error as BacktestError {
        failure = ("backtest: \(error)", Exit.invalidInput)
    } catch let error as PathSelectionError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as BacktestFailure {
        failure = (error.description, Exit.cannotFit)
    } catch let error as FlagError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as WeightFileError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as BandError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as ExportError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as ScorecardError {
        failure = (error.description, Exit.invalidInput)
    } catch let error as EncodingProblem {
        failure = (error.description, Exit.invalidInput)
    } catch let error as OutputFile.WriteError {
        failure = (error.description, Exit.outputFailed)
    } catch let error as DatabaseError {
        failure = (error.message, Exit.code(for: error))
    } catch let error as BootstrapError {
        // A count out of bounds is a usage error; an unreadable or wrong resample file is bad input.
        switch error {
        case .count, .refits: failure = (error.description, 64)
        default: failure = (error.description, Exit.invalidInput)
        }
    } catch let error as CLIError {
        failure = (error.description, error.code)
    } catch {
        failure = ("\(error)", Exit.internalError)
    }
    fail(failure.message, code: failure.code)
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
