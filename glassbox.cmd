@echo off
rem Starts Glassbox on Windows as ./glassbox does elsewhere: from target\glassbox.jar (built with mvnw.cmd when
rem missing); with no arguments, or one file or folder to open, the desktop app; otherwise a command-line command
rem (glassbox generate --model ... ; glassbox --help). JAVA_HOME picks the JDK (default: java on the PATH).
rem
rem No --add-modules jdk.incubator.vector: Main loads the Vector API module itself (app\VectorModule.java). The app
rem starts with a class-data archive of its start, target\glassbox.jsa, which the JVM writes when the app exits and
rem writes again when the jar or the JDK changed (-XX:+AutoCreateSharedArchive): the JVM's own check stands in for
rem ./glassbox's comparison of file times, which cmd cannot make. GLASSBOX_AOT=off starts without it. Command-line
rem commands run without it, as with ./glassbox. Transparent huge pages are a Linux option: not given here.
setlocal EnableExtensions EnableDelayedExpansion
set "here=%~dp0"
set "jar=%here%target\glassbox.jar"
set "archive=%here%target\glassbox.jsa"

set "java="
set "jdk_home="
if defined JAVA_HOME (
    set "java=%JAVA_HOME%\bin\java.exe"
    set "jdk_home=%JAVA_HOME%"
) else (
    for %%J in (java.exe) do set "java=%%~$PATH:J"
    if defined java for %%D in ("!java!\..\..") do set "jdk_home=%%~fD"
)
if not defined java goto nojava
if not exist "%java%" goto nojava

rem The JDK's release file tells its version without starting a JVM (a JDK 17 would fail on the class files).
if exist "%jdk_home%\release" (
    for /f "usebackq tokens=2 delims==" %%V in (`findstr /b "JAVA_VERSION=" "%jdk_home%\release"`) do set "version=%%~V"
    for /f "tokens=1 delims=." %%M in ("!version!") do set "major=%%M"
    if defined major if !major! LSS 25 (
        echo glassbox: needs JDK 25 or later, but !java! is JDK !major!; set JAVA_HOME to a JDK 25 1>&2
        exit /b 1
    )
)

if not exist "%jar%" (
    echo glassbox: building !jar! ^(first start only^)... 1>&2
    pushd "%here%"
    call mvnw.cmd -q package -DskipTests
    popd
    if not exist "%jar%" exit /b 1
)

rem The app: no argument, --measure-startup, or one path to open (a folder separator or an extension, which no
rem command name has: the rule of app\service\OpenTarget.isPathArgument).
set "app=false"
if "%~1"=="" set "app=true"
if not "%~1"=="" if "%~2"=="" (
    set "first=%~1"
    if "!first!"=="--measure-startup" set "app=true"
    if not "!first:~0,1!"=="-" (
        if not "!first:/=!"=="!first!" set "app=true"
        if not "!first:\=!"=="!first!" set "app=true"
        if not "!first:.=!"=="!first!" set "app=true"
    )
)
rem Command-line commands run lean, as with ./glassbox: the serial collector from a 16 MB heap (G1 grows its young
rem generation under the garbage made before the JIT compiles the kernels, and the process keeps what it touched);
rem with a young generation of at most 16 MB and full collections that leave 1 percent free (the JIT garbage stays
rem out of the old generation); JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS holding any -XX:+Use option (cmd cannot
rem match "Use*GC") are left to rule.
set "gc="
if "%app%"=="false" set "gc=-XX:+UseSerialGC -Xms16m -XX:MaxNewSize=16m -XX:MinHeapFreeRatio=1 -XX:MaxHeapFreeRatio=10"
if defined JAVA_TOOL_OPTIONS if not "!JAVA_TOOL_OPTIONS:-XX:+Use=!"=="!JAVA_TOOL_OPTIONS!" set "gc="
if defined JDK_JAVA_OPTIONS if not "!JDK_JAVA_OPTIONS:-XX:+Use=!"=="!JDK_JAVA_OPTIONS!" set "gc="
set "cds="
rem (the file in quotes: the folder may have spaces; the JVM's notes on classes it leaves out and on an archive it
rem renews are no business of the user's, as with ./glassbox's -Xlog:aot=error)
if "%app%"=="true" if /i not "%GLASSBOX_AOT%"=="off" set cds=-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=%archive%" -Xlog:cds=off -Xlog:cds+dynamic=off

rem The arguments pass through untouched: delayed expansion would eat a ! in them.
setlocal DisableDelayedExpansion
"%java%" %gc% %cds% -jar "%jar%" %*
exit /b %errorlevel%

:nojava
echo glassbox: no java found; set JAVA_HOME to a JDK 25 1>&2
exit /b 1
